package kyc_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/kyc"
)

const (
	testKey         = "kyc/2025/03/3f2a9c"
	testContentType = "image/jpeg"
	testSize        = 123_456
)

func TestParseDocumentID(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		in   string
		want kyc.DocumentID
		ok   bool
	}{
		{name: "One", in: "1", want: 1, ok: true},
		{name: "Large", in: "9223372036854775807", want: 9223372036854775807, ok: true},
		{name: "PersianDigits", in: "۴۲", want: 42, ok: true},
		{name: "Empty", in: ""},
		{name: "Zero", in: "0"},
		{name: "Negative", in: "-5"},
		{name: "Letters", in: "12a"},
		{name: "Overflow", in: "9223372036854775808"},
		{name: "Fraction", in: "1.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id, err := kyc.ParseDocumentID(tt.in)
			if !tt.ok {
				require.ErrorIs(t, err, core.ErrInvalidInput)
				require.Zero(t, id)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, id)
			again, err := kyc.ParseDocumentID(id.String())
			require.NoError(t, err)
			require.Equal(t, id, again)
		})
	}
}

func TestDocumentKind(t *testing.T) {
	t.Parallel()

	tests := []struct {
		kind      kyc.DocumentKind
		name      string
		imageOnly bool
	}{
		{kind: kyc.NationalCardFront, name: "national_card_front"},
		{kind: kyc.NationalCardBack, name: "national_card_back"},
		{kind: kyc.Selfie, name: "selfie", imageOnly: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.name, tt.kind.String())
			require.False(t, tt.kind.IsZero())
			require.Equal(t, tt.imageOnly, tt.kind.ImageOnly())
			parsed, err := kyc.ParseDocumentKind(tt.name)
			require.NoError(t, err)
			require.Equal(t, tt.kind, parsed)
		})
	}
	for _, bad := range []string{"", "Selfie", "national_card", "id_card_image", "selfie "} {
		k, err := kyc.ParseDocumentKind(bad)
		require.ErrorIs(t, err, core.ErrInvalidInput, bad)
		require.True(t, k.IsZero(), bad)
	}
	require.True(t, kyc.DocumentKind{}.IsZero())
	require.False(t, kyc.DocumentKind{}.ImageOnly())
}

func TestRequiredDocuments(t *testing.T) {
	t.Parallel()

	want := []kyc.DocumentKind{kyc.NationalCardFront, kyc.NationalCardBack, kyc.Selfie}
	got := kyc.RequiredDocuments()
	require.Equal(t, want, got)
	got[0] = kyc.Selfie
	require.Equal(t, want, kyc.RequiredDocuments(), "callers cannot change the list")
}

func TestDocumentStatus(t *testing.T) {
	t.Parallel()

	tests := []struct {
		status kyc.DocumentStatus
		name   string
	}{
		{status: kyc.DocumentUploaded, name: "uploaded"},
		{status: kyc.DocumentAccepted, name: "accepted"},
		{status: kyc.DocumentRejected, name: "rejected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.name, tt.status.String())
			parsed, err := kyc.ParseDocumentStatus(tt.name)
			require.NoError(t, err)
			require.Equal(t, tt.status, parsed)
		})
	}
	for _, bad := range []string{"", "Uploaded", "approved", "pending", "rejected\n"} {
		s, err := kyc.ParseDocumentStatus(bad)
		require.ErrorIs(t, err, core.ErrInvalidInput, bad)
		require.Equal(t, kyc.DocumentStatus{}, s, bad)
	}
}

func TestNewDocument(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name        string
		user        core.UserID
		kind        kyc.DocumentKind
		key         string
		contentType string
		size        int64
		ok          bool
	}{
		{name: "Valid", user: testUser, kind: kyc.NationalCardFront, key: testKey, contentType: testContentType, size: testSize, ok: true},
		{name: "PDF", user: testUser, kind: kyc.NationalCardBack, key: testKey, contentType: "application/pdf", size: 1, ok: true},
		{name: "NoUser", kind: kyc.Selfie, key: testKey, contentType: testContentType, size: testSize},
		{name: "NegativeUser", user: -1, kind: kyc.Selfie, key: testKey, contentType: testContentType, size: testSize},
		{name: "NoKind", user: testUser, key: testKey, contentType: testContentType, size: testSize},
		{name: "NoKey", user: testUser, kind: kyc.Selfie, contentType: testContentType, size: testSize},
		{name: "NoContentType", user: testUser, kind: kyc.Selfie, key: testKey, size: testSize},
		{name: "ZeroSize", user: testUser, kind: kyc.Selfie, key: testKey, contentType: testContentType},
		{name: "NegativeSize", user: testUser, kind: kyc.Selfie, key: testKey, contentType: testContentType, size: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := kyc.NewDocument(tt.user, tt.kind, tt.key, tt.contentType, tt.size, t0)
			if !tt.ok {
				require.ErrorIs(t, err, core.ErrInvalidInput)
				require.Nil(t, d)
				return
			}
			require.NoError(t, err)
			require.Equal(t, kyc.DocumentRecord{
				User: tt.user, Kind: tt.kind, BlobKey: tt.key, ContentType: tt.contentType, Size: tt.size,
				Status: kyc.DocumentUploaded, CreatedAt: t0, UpdatedAt: t0,
			}, d.Record())
			require.Zero(t, d.ID())
			require.Equal(t, tt.kind, d.Kind())
			require.Equal(t, kyc.DocumentUploaded, d.Status())
		})
	}
}

func TestRehydrateDocument(t *testing.T) {
	t.Parallel()

	r := kyc.DocumentRecord{
		ID: 9, User: testUser, Kind: kyc.Selfie, BlobKey: testKey, ContentType: "image/png", Size: testSize,
		Status: kyc.DocumentAccepted, CreatedAt: t0, UpdatedAt: later,
	}
	d := kyc.RehydrateDocument(r)
	require.Equal(t, r, d.Record())
	require.Equal(t, kyc.DocumentID(9), d.ID())
	require.Equal(t, "9", d.ID().String())
	require.Equal(t, kyc.Selfie, d.Kind())
	require.Equal(t, kyc.DocumentAccepted, d.Status())
}

// documentIn returns a stored document of kind in status, uploaded at t0.
func documentIn(t *testing.T, kind kyc.DocumentKind, status kyc.DocumentStatus) *kyc.Document {
	t.Helper()
	d, err := kyc.NewDocument(testUser, kind, testKey+"/"+kind.String(), testContentType, testSize, t0)
	require.NoError(t, err)
	r := d.Record()
	r.ID, r.Status = 5, status
	return kyc.RehydrateDocument(r)
}

func TestDocumentReview(t *testing.T) {
	t.Parallel()

	statuses := []kyc.DocumentStatus{kyc.DocumentUploaded, kyc.DocumentAccepted, kyc.DocumentRejected}
	for _, from := range statuses {
		for _, accepted := range []bool{true, false} {
			name := from.String() + "/Reject"
			if accepted {
				name = from.String() + "/Accept"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				d := documentIn(t, kyc.NationalCardFront, from)
				before := d.Record()
				d.Review(accepted, later)
				if from != kyc.DocumentUploaded {
					require.Equal(t, before, d.Record(), "only an uploaded document is reviewed")
					return
				}
				want := before
				want.Status, want.UpdatedAt = kyc.DocumentRejected, later
				if accepted {
					want.Status = kyc.DocumentAccepted
				}
				require.Equal(t, want, d.Record())
			})
		}
	}
}

func TestMissing(t *testing.T) {
	t.Parallel()

	front, back, selfie := kyc.NationalCardFront, kyc.NationalCardBack, kyc.Selfie
	uploaded, accepted, rejected := kyc.DocumentUploaded, kyc.DocumentAccepted, kyc.DocumentRejected
	type doc struct {
		kind   kyc.DocumentKind
		status kyc.DocumentStatus
	}
	tests := []struct {
		name string
		docs []doc
		want []kyc.DocumentKind
	}{
		{name: "None", want: []kyc.DocumentKind{front, back, selfie}},
		{name: "AllUploaded", docs: []doc{{front, uploaded}, {back, uploaded}, {selfie, uploaded}}},
		{name: "AllAccepted", docs: []doc{{selfie, accepted}, {back, accepted}, {front, accepted}}},
		{name: "Mixed", docs: []doc{{front, accepted}, {back, uploaded}, {selfie, uploaded}}},
		{name: "OnlySelfie", docs: []doc{{selfie, uploaded}}, want: []kyc.DocumentKind{front, back}},
		// The order is RequiredDocuments', not the order of the input.
		{name: "KindOrder", docs: []doc{{back, uploaded}}, want: []kyc.DocumentKind{front, selfie}},
		{name: "RejectedCountsAsMissing", docs: []doc{{front, rejected}, {back, uploaded}, {selfie, accepted}}, want: []kyc.DocumentKind{front}},
		{name: "AllRejected", docs: []doc{{selfie, rejected}, {front, rejected}, {back, rejected}}, want: []kyc.DocumentKind{front, back, selfie}},
		{name: "RejectedAndReuploaded", docs: []doc{{front, rejected}, {front, uploaded}, {back, accepted}, {selfie, uploaded}}},
		{name: "Duplicates", docs: []doc{{selfie, uploaded}, {selfie, uploaded}}, want: []kyc.DocumentKind{front, back}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			docs := make([]*kyc.Document, len(tt.docs))
			for i, d := range tt.docs {
				docs[i] = documentIn(t, d.kind, d.status)
			}
			got := kyc.Missing(docs)
			if len(tt.want) == 0 {
				require.Empty(t, got)
				return
			}
			require.Equal(t, tt.want, got)
		})
	}
}

package fake_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/inquiry/fake"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
)

const (
	alice = "0499370899"
	bob   = "0790419904"
)

func sheba(t *testing.T, s string) iran.Sheba {
	t.Helper()
	out, err := iran.ParseSheba(s)
	require.NoError(t, err)
	return out
}

func TestShebaOwner(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		owners [][2]string // SetOwner calls in order: sheba, national id
		sheba  string
		asker  string
		want   bool
	}{
		{"UnregisteredBelongsToAnyone", nil, "IR430600500901007959216001", alice, true},
		{"RegisteredOwner", [][2]string{{"IR430600500901007959216001", alice}}, "IR430600500901007959216001", alice, true},
		{"RegisteredOther", [][2]string{{"IR430600500901007959216001", alice}}, "IR430600500901007959216001", bob, false},
		{"OtherShebaUnaffected", [][2]string{{"IR430600500901007959216001", alice}}, "IR820540102680020817909002", bob, true},
		{"OwnerReplaced", [][2]string{{"IR430600500901007959216001", alice}, {"IR430600500901007959216001", bob}}, "IR430600500901007959216001", alice, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := fake.New()
			for _, o := range tt.owners {
				require.NoError(t, q.SetOwner(sheba(t, o[0]), o[1]))
			}
			got, err := q.ShebaOwner(t.Context(), sheba(t, tt.sheba), tt.asker, time.Time{})
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
			require.Equal(t, 1, q.Calls())
		})
	}
}

func TestInvalidArguments(t *testing.T) {
	t.Parallel()
	valid := sheba(t, "IR430600500901007959216001")
	tests := []struct {
		name       string
		sheba      iran.Sheba
		nationalID string
	}{
		{"ZeroSheba", iran.Sheba{}, alice},
		{"NineDigits", valid, "499370899"},
		{"Separated", valid, "049-937089-9"},
		{"PersianDigits", valid, "۰۴۹۹۳۷۰۸۹۹"},
		{"WrongCheckDigit", valid, "0499370898"},
		{"Letters", valid, "04993708a9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := fake.New()
			q.FailNext(1)
			_, err := q.ShebaOwner(t.Context(), tt.sheba, tt.nationalID, time.Time{})
			require.ErrorIs(t, err, core.ErrInvalidInput)
			require.Zero(t, q.Calls())
			require.ErrorIs(t, q.SetOwner(tt.sheba, tt.nationalID), core.ErrInvalidInput)

			_, err = q.ShebaOwner(t.Context(), valid, alice, time.Time{})
			require.ErrorIs(t, err, core.ErrInquiryUnavailable, "a refused call does not use up a scripted failure")
		})
	}
}

func TestEmptyNationalIDMatchesUnregisteredOnly(t *testing.T) {
	t.Parallel()
	q := fake.New()
	free, taken := sheba(t, "IR430600500901007959216001"), sheba(t, "IR820540102680020817909002")
	require.NoError(t, q.SetOwner(taken, alice))
	owns, err := q.ShebaOwner(t.Context(), free, "", time.Time{})
	require.NoError(t, err)
	require.True(t, owns)
	owns, err = q.ShebaOwner(t.Context(), taken, "", time.Time{})
	require.NoError(t, err)
	require.False(t, owns)
	require.ErrorIs(t, q.SetOwner(free, ""), core.ErrInvalidInput)
}

func TestFailNext(t *testing.T) {
	t.Parallel()
	q := fake.New()
	s := sheba(t, "IR430600500901007959216001")
	q.FailNext(2)
	for range 2 {
		ok, err := q.ShebaOwner(t.Context(), s, alice, time.Time{})
		require.ErrorIs(t, err, core.ErrInquiryUnavailable)
		require.False(t, ok)
	}
	ok, err := q.ShebaOwner(t.Context(), s, alice, time.Time{})
	require.NoError(t, err)
	require.True(t, ok)

	q.FailNext(5)
	q.FailNext(0)
	_, err = q.ShebaOwner(t.Context(), s, alice, time.Time{})
	require.NoError(t, err, "FailNext(0) heals")
	q.FailNext(-1)
	_, err = q.ShebaOwner(t.Context(), s, alice, time.Time{})
	require.NoError(t, err)
	require.Equal(t, 5, q.Calls())
}

func TestFailNextConcurrent(t *testing.T) {
	t.Parallel()
	q := fake.New()
	s := sheba(t, "IR430600500901007959216001")
	q.FailNext(5)
	const n = 20
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, errs[i] = q.ShebaOwner(t.Context(), s, alice, time.Time{})
		})
	}
	wg.Wait()
	failed := 0
	for _, err := range errs {
		if err != nil {
			require.ErrorIs(t, err, core.ErrInquiryUnavailable)
			failed++
		}
	}
	require.Equal(t, 5, failed)
	require.Equal(t, n, q.Calls())
}

func TestContextEnded(t *testing.T) {
	t.Parallel()
	q := fake.New()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := q.ShebaOwner(ctx, sheba(t, "IR430600500901007959216001"), alice, time.Time{})
	require.ErrorIs(t, err, context.Canceled)
	require.NotErrorIs(t, err, core.ErrInquiryUnavailable)
	require.Zero(t, q.Calls())
}

func TestMobileOwner(t *testing.T) {
	t.Parallel()
	q := fake.New()
	mobile, err := iran.ParseMobile("09121234567")
	require.NoError(t, err)
	other, err := iran.ParseMobile("09351234567")
	require.NoError(t, err)
	id, err := iran.ParseNationalCode(alice)
	require.NoError(t, err)
	bob, err := iran.ParseNationalCode("0013542419")
	require.NoError(t, err)
	require.NoError(t, q.SetMobileOwner(mobile, bob))

	owns, err := q.MobileOwner(t.Context(), other, id)
	require.NoError(t, err)
	require.True(t, owns, "an unregistered number belongs to whoever asks")
	owns, err = q.MobileOwner(t.Context(), mobile, id)
	require.NoError(t, err)
	require.False(t, owns)
	owns, err = q.MobileOwner(t.Context(), mobile, bob)
	require.NoError(t, err)
	require.True(t, owns)

	_, err = q.MobileOwner(t.Context(), iran.Mobile{}, id)
	require.ErrorIs(t, err, core.ErrInvalidInput)
	q.FailNext(1)
	_, err = q.MobileOwner(t.Context(), mobile, bob)
	require.ErrorIs(t, err, core.ErrInquiryUnavailable)
}

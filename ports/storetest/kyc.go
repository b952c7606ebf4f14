package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/core/kyc"
	"github.com/talabin/talabin/ports"
)

// nationalCode returns the valid national code numbered n (n ≥ 1): nine digits and their
// check digit.
func nationalCode(t *testing.T, n int) iran.NationalCode {
	t.Helper()
	digits := fmt.Sprintf("%09d", 123_400_000+n)
	sum := 0
	for i := range 9 {
		sum += int(digits[i]-'0') * (10 - i)
	}
	check := sum % 11
	if check >= 2 {
		check = 11 - check
	}
	c, err := iran.ParseNationalCode(fmt.Sprintf("%s%d", digits, check))
	require.NoError(t, err)
	return c
}

// submission is a submission of the cases for the national code numbered n.
func submission(t *testing.T, n, target int) kyc.Submission {
	t.Helper()
	return kyc.Submission{
		FirstName:   "سارا",
		LastName:    "احمدی",
		NationalID:  nationalCode(t, n),
		BirthDate:   time.Date(1990, 5, 17, 0, 0, 0, 0, time.UTC),
		TargetLevel: target,
	}
}

// submitted returns user's profile after submitting s at now, not yet stored.
func submitted(t *testing.T, user core.UserID, s kyc.Submission, now time.Time) *kyc.Profile {
	t.Helper()
	p := kyc.NewProfile(user)
	require.NoError(t, p.Submit(s, s.TargetLevel == 2, nil, now))
	return p
}

// trySaveProfile saves p in a transaction of its own and returns the error.
func (b *bundle) trySaveProfile(ctx context.Context, p *kyc.Profile) error {
	return b.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		return tx.KYC().Save(ctx, p)
	})
}

// saveProfile saves p in a transaction of its own and returns it.
func (b *bundle) saveProfile(t *testing.T, p *kyc.Profile) *kyc.Profile {
	t.Helper()
	require.NoError(t, b.trySaveProfile(t.Context(), p))
	return p
}

// storedProfile reads user's profile in a snapshot.
func (b *bundle) storedProfile(t *testing.T, user core.UserID) (*kyc.Profile, error) {
	t.Helper()
	var p *kyc.Profile
	err := b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		p, err = tx.KYC().Get(ctx, user)
		return err
	})
	return p, err
}

// changeProfile reads user's profile for update, applies change and saves it, in one
// transaction, and returns the error and the changed profile.
func (b *bundle) changeProfile(ctx context.Context, user core.UserID, change func(p *kyc.Profile) error) (*kyc.Profile, error) {
	var out *kyc.Profile
	err := b.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		p, err := tx.KYC().GetForUpdate(ctx, user)
		if err != nil {
			return err
		}
		if err := change(p); err != nil {
			return err
		}
		out = p
		return tx.KYC().Save(ctx, p)
	})
	return out, err
}

// mustChangeProfile is changeProfile, failing t on an error.
func (b *bundle) mustChangeProfile(t *testing.T, user core.UserID, change func(p *kyc.Profile) error) *kyc.Profile {
	t.Helper()
	p, err := b.changeProfile(t.Context(), user, change)
	require.NoError(t, err)
	return p
}

// requireProfile fails t unless user's stored profile, read plainly and for update, is want.
func (b *bundle) requireProfile(t *testing.T, want kyc.ProfileRecord) {
	t.Helper()
	got, err := b.storedProfile(t, want.User)
	require.NoError(t, err)
	require.Equal(t, want, got.Record())
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		locked, err := tx.KYC().GetForUpdate(ctx, want.User)
		require.NoError(t, err)
		require.Equal(t, want, locked.Record())
		return nil
	})
}

// listProfiles reads one page of the profiles with status in a snapshot.
func (b *bundle) listProfiles(t *testing.T, status kyc.Status, offset, limit int) ([]core.UserID, int) {
	t.Helper()
	var out []core.UserID
	var total int
	b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
		profiles, n, err := tx.KYC().List(ctx, status, offset, limit)
		for _, p := range profiles {
			out = append(out, p.User())
		}
		total = n
		return err
	})
	return out, total
}

// pendingInquiries reads up to limit users waiting for the mobile inquiry in a snapshot.
func (b *bundle) pendingInquiries(t *testing.T, limit int) []core.UserID {
	t.Helper()
	var out []core.UserID
	b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
		var err error
		out, err = tx.KYC().PendingInquiries(ctx, limit)
		return err
	})
	return out
}

func kycCases() []testCase {
	return []testCase{
		{"KYCProfileRoundTrip", func(t *testing.T, b *bundle) {
			u, staff := b.newUser(t), b.newUser(t)
			b.requireProfile(t, kyc.NewProfile(u).Record())

			at := func(s int) time.Time { return b.now.Add(time.Duration(s)*time.Second + 123_456*time.Microsecond) }
			full := kyc.ProfileRecord{
				User:            u,
				Status:          kyc.StatusApproved,
				Level:           2,
				TargetLevel:     2,
				FirstName:       "سارا",
				LastName:        "احمدی",
				NationalID:      nationalCode(t, 1),
				BirthDate:       time.Date(1988, 12, 31, 0, 0, 0, 0, time.UTC),
				Shahkar:         kyc.CheckPassed,
				RejectionReason: "کارت ملی خوانا نیست",
				ReviewedBy:      staff,
				SubmittedAt:     at(1),
				ReviewedAt:      at(2),
				UpdatedAt:       at(3),
			}
			// Each record overwrites the one before it: Save is an upsert.
			tests := []struct {
				name string
				rec  kyc.ProfileRecord
			}{
				{"EveryField", full},
				{"NoNationalIDOrBirthDate", func() kyc.ProfileRecord {
					r := full
					r.Status, r.Shahkar, r.Level = kyc.StatusRejected, kyc.CheckFailed, 0
					r.NationalID, r.BirthDate, r.ReviewedBy, r.ReviewedAt = iran.NationalCode{}, time.Time{}, 0, time.Time{}
					return r
				}()},
				{"PendingInquiry", func() kyc.ProfileRecord {
					r := full
					r.Status, r.Shahkar, r.Level, r.TargetLevel = kyc.StatusPending, kyc.CheckPending, 1, 1
					r.RejectionReason, r.ReviewedBy, r.ReviewedAt = "", 0, time.Time{}
					return r
				}()},
				{"Erased", func() kyc.ProfileRecord {
					p := kyc.RehydrateProfile(full)
					p.Erase(at(4))
					return p.Record()
				}()},
			}
			for _, tt := range tests {
				b.saveProfile(t, kyc.RehydrateProfile(tt.rec))
				b.requireProfile(t, tt.rec)
			}

			// A profile through the domain's steps, one transaction each.
			v := b.newUser(t)
			p := b.mustChangeProfile(t, v, func(p *kyc.Profile) error {
				return p.Submit(submission(t, 2, 1), false, nil, at(10))
			})
			b.requireProfile(t, p.Record())
			p = b.mustChangeProfile(t, v, func(p *kyc.Profile) error { return p.InquiryAnswered(true, at(11)) })
			require.Equal(t, kyc.StatusApproved, p.Status())
			b.requireProfile(t, p.Record())

			// A never-submitted profile can be stored too (an account deleted before submitting).
			w := b.newUser(t)
			erased := kyc.NewProfile(w)
			erased.Erase(at(12))
			b.saveProfile(t, erased)
			b.requireProfile(t, erased.Record())

			_, err := b.storedProfile(t, 987654)
			require.ErrorIs(t, err, core.ErrNotFound, "unknown user")
			err = b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				_, err := tx.KYC().GetForUpdate(ctx, 987654)
				return err
			})
			require.ErrorIs(t, err, core.ErrNotFound, "unknown user, for update")
			err = b.trySaveProfile(t.Context(), submitted(t, 987654, submission(t, 3, 1), b.now))
			require.ErrorIs(t, err, core.ErrNotFound, "saving the profile of an unknown user")
		}},
		{"KYCNationalIDTaken", func(t *testing.T, b *bundle) {
			u, other := b.newUser(t), b.newUser(t)
			b.saveProfile(t, submitted(t, u, submission(t, 1, 1), b.now))

			err := b.trySaveProfile(t.Context(), submitted(t, other, submission(t, 1, 1), b.now))
			require.ErrorIs(t, err, core.ErrNationalIDTaken)
			require.ErrorIs(t, err, core.ErrConflict)
			b.requireProfile(t, kyc.NewProfile(other).Record())

			// The transaction stays usable after the conflict.
			theirs := submitted(t, other, submission(t, 2, 1), b.now)
			b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
				err := tx.KYC().Save(ctx, submitted(t, other, submission(t, 1, 1), b.now))
				require.ErrorIs(t, err, core.ErrNationalIDTaken)
				return tx.KYC().Save(ctx, theirs)
			})
			b.requireProfile(t, theirs.Record())

			// A user re-saving its own national id is no conflict.
			mine := b.mustChangeProfile(t, u, func(p *kyc.Profile) error { return p.InquiryAnswered(true, b.now.Add(time.Minute)) })
			b.requireProfile(t, mine.Record())

			// Erased profiles hold no national id, so they never collide, and the id is free again.
			for _, user := range []core.UserID{u, other} {
				b.mustChangeProfile(t, user, func(p *kyc.Profile) error {
					p.Erase(b.now.Add(2 * time.Minute))
					return nil
				})
			}
			third := b.newUser(t)
			again := b.saveProfile(t, submitted(t, third, submission(t, 1, 1), b.now.Add(3*time.Minute)))
			b.requireProfile(t, again.Record())
		}},
		{"KYCListAndPendingInquiries", func(t *testing.T, b *bundle) {
			at := func(m int) time.Time { return b.now.Add(time.Duration(m) * time.Minute) }
			users := make([]core.UserID, 7)
			for i := range users {
				users[i] = b.newUser(t)
			}
			submit := func(i, m, target int) {
				b.mustChangeProfile(t, users[i], func(p *kyc.Profile) error {
					return p.Submit(submission(t, i+1, target), target == 2, nil, at(m))
				})
			}
			inquiry := func(i int, match bool) {
				b.mustChangeProfile(t, users[i], func(p *kyc.Profile) error { return p.InquiryAnswered(match, at(30)) })
			}
			submit(0, 5, 1) // pending, waiting for the inquiry
			submit(1, 2, 1) // approved by the inquiry
			inquiry(1, true)
			submit(2, 3, 2) // pending for staff, inquiry passed
			inquiry(2, true)
			submit(3, 1, 1) // rejected by the inquiry
			inquiry(3, false)
			submit(4, 3, 1) // pending, waiting, submitted with users[2]: the lower id first
			submit(5, 4, 1) // pending, waiting
			erased := kyc.NewProfile(users[6])
			erased.Erase(at(6)) // stored, never submitted
			b.saveProfile(t, erased)
			b.newUser(t) // no profile

			tests := []struct {
				name   string
				status kyc.Status
				want   []core.UserID
			}{
				{"Submitted", kyc.Status{}, []core.UserID{users[3], users[1], users[2], users[4], users[5], users[0]}},
				{"Pending", kyc.StatusPending, []core.UserID{users[2], users[4], users[5], users[0]}},
				{"Approved", kyc.StatusApproved, []core.UserID{users[1]}},
				{"Rejected", kyc.StatusRejected, []core.UserID{users[3]}},
				{"NotSubmitted", kyc.StatusNotSubmitted, []core.UserID{users[6]}},
			}
			for _, tt := range tests {
				got, total := b.listProfiles(t, tt.status, 0, 10)
				require.Equal(t, tt.want, got, tt.name)
				require.Equal(t, len(tt.want), total, tt.name)
			}
			var pages []core.UserID
			for offset := 0; offset < 6; offset += 4 {
				page, total := b.listProfiles(t, kyc.Status{}, offset, 4)
				require.Equal(t, 6, total)
				pages = append(pages, page...)
			}
			require.Equal(t, tests[0].want, pages)
			none, total := b.listProfiles(t, kyc.StatusPending, 0, 0)
			require.Empty(t, none)
			require.Equal(t, 4, total)
			err := b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				_, _, err := tx.KYC().List(ctx, kyc.Status{}, -1, 10)
				return err
			})
			require.ErrorIs(t, err, core.ErrInvalidInput)

			require.Equal(t, []core.UserID{users[4], users[5], users[0]}, b.pendingInquiries(t, 10))
			require.Equal(t, []core.UserID{users[4]}, b.pendingInquiries(t, 1))
			require.Empty(t, b.pendingInquiries(t, 0))
		}},
		{"KYCGetForUpdateSerializesSubmissions", func(t *testing.T, b *bundle) {
			// Parallel submissions of one user, first without a stored profile and then over a
			// rejected one: exactly one of each round wins, the rest find it pending.
			u, s := b.newUser(t), submission(t, 1, 1)
			// Open the store's connections first, so that the transactions below overlap rather
			// than queue behind connection setup.
			race(t, 8, func(int) error {
				return b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
					_, err := tx.KYC().Get(ctx, u)
					return err
				})
			})
			for round := range 2 {
				wins := race(t, 8, func(int) error {
					_, err := b.changeProfile(t.Context(), u, func(p *kyc.Profile) error {
						return p.Submit(s, false, nil, b.now.Add(time.Duration(round)*time.Hour))
					})
					return err
				}, core.ErrInvalidState)
				require.EqualValues(t, 1, wins, "round %d", round)
				b.mustChangeProfile(t, u, func(p *kyc.Profile) error { return p.InquiryAnswered(false, b.now) })
			}
		}},
	}
}

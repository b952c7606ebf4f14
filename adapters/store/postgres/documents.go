package postgres

import (
	"context"
	"fmt"
	"slices"

	"github.com/talabin/talabin/adapters/store/postgres/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/kyc"
	"github.com/talabin/talabin/ports"
)

var _ ports.DocumentRepository = documentRepository{}

// documentRepository keeps identity documents' metadata in one transaction. Reads by id are
// not scoped to a user: the service checks ownership.
type documentRepository struct{ tx *tx }

// Create stores a new document and returns its id. It returns [core.ErrNotFound] when the
// user does not exist and a [*core.ConflictError] when its blob key is stored already. The
// insert runs in a savepoint, so the transaction stays usable after a failure.
func (r documentRepository) Create(ctx context.Context, d *kyc.Document) (kyc.DocumentID, error) {
	rec := d.Record()
	var id int64
	err := inSavepoint(ctx, r.tx, func(db dbsqlc.DBTX) error {
		var err error
		id, err = r.tx.q().KYCDocumentInsert(ctx, db, dbsqlc.KYCDocumentInsertParams{
			UserID:      int64(rec.User),
			Kind:        rec.Kind.String(),
			BlobKey:     rec.BlobKey,
			ContentType: rec.ContentType,
			Size:        rec.Size,
			Status:      rec.Status.String(),
			CreatedAt:   rec.CreatedAt,
			UpdatedAt:   rec.UpdatedAt,
		})
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: create %s document of user %d: %w", rec.Kind, rec.User, interpretError(err))
	}
	return kyc.DocumentID(id), nil
}

// Save stores a document's review status, or returns [core.ErrNotFound].
func (r documentRepository) Save(ctx context.Context, d *kyc.Document) error {
	rec := d.Record()
	n, err := r.tx.q().KYCDocumentSave(ctx, r.tx, dbsqlc.KYCDocumentSaveParams{
		ID: int64(rec.ID), Status: rec.Status.String(), UpdatedAt: rec.UpdatedAt,
	})
	if err != nil {
		return fmt.Errorf("postgres: save document %d: %w", rec.ID, interpretError(err))
	}
	if n == 0 {
		return fmt.Errorf("postgres: save document %d: %w", rec.ID, core.ErrNotFound)
	}
	return nil
}

// Get returns a document by id, or [core.ErrNotFound].
func (r documentRepository) Get(ctx context.Context, id kyc.DocumentID) (*kyc.Document, error) {
	row, err := r.tx.q().KYCDocumentGet(ctx, r.tx, int64(id))
	if err != nil {
		return nil, fmt.Errorf("postgres: get document %d: %w", id, interpretError(err))
	}
	return documentFromRow(row)
}

// Current returns user's newest document of each kind, in the order of
// [kyc.RequiredDocuments].
func (r documentRepository) Current(ctx context.Context, user core.UserID) ([]*kyc.Document, error) {
	rows, err := r.tx.q().KYCDocumentCurrent(ctx, r.tx, int64(user))
	if err != nil {
		return nil, fmt.Errorf("postgres: current documents of user %d: %w", user, interpretError(err))
	}
	out, err := documentsFromRows(rows)
	if err != nil {
		return nil, err
	}
	kinds := kyc.RequiredDocuments()
	slices.SortFunc(out, func(a, b *kyc.Document) int {
		return slices.Index(kinds, a.Kind()) - slices.Index(kinds, b.Kind())
	})
	return out, nil
}

// ListByUser returns every document of user, newest first.
func (r documentRepository) ListByUser(ctx context.Context, user core.UserID) ([]*kyc.Document, error) {
	rows, err := r.tx.q().KYCDocumentListByUser(ctx, r.tx, int64(user))
	if err != nil {
		return nil, fmt.Errorf("postgres: list documents of user %d: %w", user, interpretError(err))
	}
	return documentsFromRows(rows)
}

// Delete removes a document's row, or returns [core.ErrNotFound].
func (r documentRepository) Delete(ctx context.Context, id kyc.DocumentID) error {
	n, err := r.tx.q().KYCDocumentDelete(ctx, r.tx, int64(id))
	if err != nil {
		return fmt.Errorf("postgres: delete document %d: %w", id, interpretError(err))
	}
	if n == 0 {
		return fmt.Errorf("postgres: delete document %d: %w", id, core.ErrNotFound)
	}
	return nil
}

func documentsFromRows(rows []dbsqlc.KycDocument) ([]*kyc.Document, error) {
	out := make([]*kyc.Document, 0, len(rows))
	for _, row := range rows {
		d, err := documentFromRow(row)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// documentFromRow converts a kyc_documents row; times are handed out in UTC. A kind or
// status the core does not know is an internal error.
func documentFromRow(row dbsqlc.KycDocument) (*kyc.Document, error) {
	kind, err := kyc.ParseDocumentKind(row.Kind)
	if err != nil {
		return nil, fmt.Errorf("%w: postgres: document %d has unknown kind %q", core.ErrInternal, row.ID, row.Kind)
	}
	status, err := kyc.ParseDocumentStatus(row.Status)
	if err != nil {
		return nil, fmt.Errorf("%w: postgres: document %d has unknown status %q", core.ErrInternal, row.ID, row.Status)
	}
	return kyc.RehydrateDocument(kyc.DocumentRecord{
		ID:          kyc.DocumentID(row.ID),
		User:        core.UserID(row.UserID),
		Kind:        kind,
		BlobKey:     row.BlobKey,
		ContentType: row.ContentType,
		Size:        row.Size,
		Status:      status,
		CreatedAt:   row.CreatedAt.UTC(),
		UpdatedAt:   row.UpdatedAt.UTC(),
	}), nil
}

package upload

import "github.com/talabin/talabin/core"

// Reasons a file is refused. They are stable snake_case names for logs and metrics; clients
// see only the condition ([core.ErrUnsupportedFileType] or [core.ErrFileTooLarge]).
const (
	ReasonTooLarge        = "too_large"
	ReasonEmpty           = "empty"
	ReasonUnknownType     = "unknown_type"
	ReasonNotAllowed      = "type_not_allowed"
	ReasonTooManyPixels   = "too_many_pixels"
	ReasonCorrupt         = "corrupt"
	ReasonTrailingData    = "trailing_data"
	ReasonEmbeddedArchive = "embedded_archive"
	ReasonActiveContent   = "active_content"
)

// RejectedError is returned when a file is refused. Err is the condition
// ([core.ErrUnsupportedFileType] or [core.ErrFileTooLarge]) and is reached through Unwrap;
// Reason is one of the Reason constants and Detail says more, for logs only.
type RejectedError struct {
	Err    error
	Reason string
	Detail string
}

// Error names the condition, the reason and the detail.
func (e *RejectedError) Error() string {
	s := e.Err.Error() + ": " + e.Reason
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Unwrap returns the condition.
func (e *RejectedError) Unwrap() error { return e.Err }

// unsupported is a refusal for hostile, broken or unaccepted content.
func unsupported(reason, detail string) error {
	return &RejectedError{Err: core.ErrUnsupportedFileType, Reason: reason, Detail: detail}
}

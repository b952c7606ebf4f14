package s3

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/talabin/talabin/ports"
)

// DefaultTimeout bounds each phase of one request when [Config.Timeout] is zero.
const DefaultTimeout = 30 * time.Second

// Config configures a [Store]. Only app fills it, from its own configuration.
type Config struct {
	// Endpoint is the provider's S3 API root, e.g. "https://s3.ir-thr-at1.arvanstorage.ir"
	// or "http://127.0.0.1:9000" for a local MinIO. Empty means Amazon S3 itself for Region.
	// It must be an absolute http or https URL without credentials, query or fragment.
	Endpoint string
	// Region signs the requests. Required: S3-compatible providers document the one they
	// accept ("us-east-1" for MinIO unless it was set otherwise).
	Region string
	// Bucket holds the blobs. Required; it must exist, and the store never creates it.
	Bucket string
	// AccessKeyID and SecretAccessKey are the credentials. Both required. The store signs
	// with them and never puts them in an error or a log.
	AccessKeyID     string
	SecretAccessKey string
	// PathStyle addresses the bucket as {Endpoint}/{Bucket}/{key} rather than as
	// {Bucket}.{host}/{key}. Most self-hosted S3-compatible servers (MinIO, Ceph) need it.
	PathStyle bool
	// Prefix, when set, is put before every key with a "/" so that several stores can share
	// one bucket ("talabin/prod" stores key "kyc/x" as "talabin/prod/kyc/x"). It follows the
	// rules of [ports.ValidateBlobKey].
	Prefix string
	// Timeout bounds each phase of one request: dialling, the TLS handshake and waiting for
	// the answer's headers once the request is sent. It does not bound streaming a blob's
	// body, which can take long for a large blob on a slow link; the caller's context does.
	// Default [DefaultTimeout]; must not be negative.
	Timeout time.Duration
}

// Validate reports every problem with c, or nil. It never quotes the credentials.
func (c Config) Validate() error {
	var errs []error
	if c.Endpoint != "" {
		if err := validateEndpoint(c.Endpoint); err != nil {
			errs = append(errs, err)
		}
	}
	if strings.TrimSpace(c.Region) == "" {
		errs = append(errs, errors.New("region is required"))
	}
	if err := validateBucket(c.Bucket); err != nil {
		errs = append(errs, err)
	}
	if c.AccessKeyID == "" {
		errs = append(errs, errors.New("access key id is required"))
	}
	if c.SecretAccessKey == "" {
		errs = append(errs, errors.New("secret access key is required"))
	}
	if c.Prefix != "" {
		if err := ports.ValidateBlobKey(c.Prefix); err != nil {
			errs = append(errs, fmt.Errorf("prefix: %w", err))
		}
	}
	if c.Timeout < 0 {
		errs = append(errs, errors.New("timeout must not be negative"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("s3: invalid config: %w", err)
	}
	return nil
}

// withDefaults returns c with its zero optional fields filled in.
func (c Config) withDefaults() Config {
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	return c
}

// validateEndpoint accepts an absolute http or https URL that carries nothing but a host and
// an optional path: credentials in it would end up in error messages.
func validateEndpoint(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil, u.Scheme != "https" && u.Scheme != "http", u.Host == "":
		return errors.New("endpoint must be an absolute http or https url")
	case u.User != nil:
		return errors.New("endpoint must not carry credentials; use the key fields")
	case u.RawQuery != "" || u.Fragment != "":
		return errors.New("endpoint must not have a query or fragment")
	}
	return nil
}

// validateBucket applies S3's bucket naming rules: 3 to 63 lowercase letters, digits, '.'
// and '-', starting and ending with a letter or digit.
func validateBucket(name string) error {
	if len(name) < 3 || len(name) > 63 {
		return errors.New("bucket name must be 3 to 63 characters")
	}
	for i := range len(name) {
		c := name[i]
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		edge := i == 0 || i == len(name)-1
		if !alnum && (edge || c != '.' && c != '-') {
			return fmt.Errorf("bucket name %q breaks the s3 naming rules", name)
		}
	}
	return nil
}

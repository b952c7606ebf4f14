// Package s3 is the S3-compatible [ports.BlobStore]: Amazon S3, MinIO, Ceph, ArvanCloud and
// the other object stores that speak its API. It uses the official
// github.com/aws/aws-sdk-go-v2/service/s3, because it is the reference client of the protocol,
// exposes the conditional write (If-None-Match) as a typed field and lets every
// compatibility knob (endpoint, path style, checksums, retries, HTTP client) be set per
// client without global configuration.
//
// Objects are created private: no ACL or grant header is ever sent, so they take the bucket's
// default, and nothing is public unless the bucket itself is. Blobs are immutable: Put first
// asks HeadObject whether the key holds a blob (so a second write is refused without sending
// the body, even by a provider that ignores conditional writes), then uploads with
// If-None-Match: *, which makes the provider refuse the write atomically if another writer
// created the key in between; a provider that ignores the header leaves that narrow race
// open. A body is streamed with a Content-Length of exactly the size announced and fails
// before its last byte if the reader yields more or fewer, so the provider stores nothing.
//
// The store does not retry: a Put that failed on the way may or may not have reached the
// provider, and a retried conditional write could refuse its own first attempt. Payloads are
// sent unsigned (UNSIGNED-PAYLOAD) so that a reader of unknown origin can stream without
// being read twice; TLS protects them on an https endpoint. Request checksums are sent only
// where the API demands them, since many S3-compatible providers refuse the SDK's newer
// default trailing checksums.
//
// The credentials need s3:GetObject, s3:PutObject, s3:DeleteObject and s3:ListBucket on the
// bucket: without ListBucket, S3 answers 403 rather than 404 for a missing key, and the
// store could not tell a missing blob from a refusal. [New] checks the bucket once with
// HeadBucket.
package s3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// Store is a blob store in one bucket of an S3-compatible service. Build it with [New]; it is
// safe for concurrent use.
type Store struct {
	client *awss3.Client
	bucket string
	prefix string // "" or Config.Prefix + "/"
}

var _ ports.BlobStore = (*Store)(nil)

// New validates cfg and returns a store with its own HTTP client, after checking with
// HeadBucket that the bucket exists and the credentials reach it.
func New(ctx context.Context, cfg Config) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	opts := awss3.Options{
		Region:       cfg.Region,
		UsePathStyle: cfg.PathStyle,
		Credentials:  staticCredentials(cfg.AccessKeyID, cfg.SecretAccessKey),
		HTTPClient:   newHTTPClient(cfg.Timeout),
		Retryer:      aws.NopRetryer{},
		// Only where the API demands them: many S3-compatible providers refuse the SDK's
		// default trailing checksums (aws-chunked uploads) and checksum-mode downloads.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	}
	if cfg.Endpoint != "" {
		opts.BaseEndpoint = aws.String(cfg.Endpoint)
	}
	s := &Store{client: awss3.New(opts), bucket: cfg.Bucket}
	if cfg.Prefix != "" {
		s.prefix = cfg.Prefix + "/"
	}
	if _, err := s.client.HeadBucket(ctx, &awss3.HeadBucketInput{Bucket: aws.String(s.bucket)}); err != nil {
		return nil, fmt.Errorf("s3: check bucket %s: %w", s.bucket, err)
	}
	return s, nil
}

// staticCredentials hands the SDK fixed keys; they never expire, so no cache is needed.
func staticCredentials(id, secret string) aws.CredentialsProvider {
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: id, SecretAccessKey: secret, Source: "talabin config"}, nil
	})
}

// newHTTPClient returns a client whose every phase before the answer's headers is bounded by
// timeout, and which follows no redirect (a redirect from S3 names another region or
// endpoint: a configuration error to report, not to follow). It has no overall timeout, so
// a large blob can stream for as long as the caller's context allows.
func newHTTPClient(timeout time.Duration) *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}).DialContext,
			ForceAttemptHTTP2:     true,
			TLSHandshakeTimeout:   timeout,
			ResponseHeaderTimeout: timeout,
			// Large uploads ask for 100-continue, so a refused Put sends no body.
			ExpectContinueTimeout: time.Second,
			MaxIdleConns:          16,
			MaxIdleConnsPerHost:   8,
			IdleConnTimeout:       90 * time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// objectKey is the object name of key in the bucket.
func (s *Store) objectKey(key string) *string { return aws.String(s.prefix + key) }

// Put stores the blob; see [ports.BlobStore].
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if err := ports.ValidateBlobKey(key); err != nil {
		return err
	}
	if err := ports.ValidateContentType(contentType); err != nil {
		return err
	}
	if size < 0 {
		return fmt.Errorf("%w: blob size %d", core.ErrInvalidInput, size)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	switch _, err := s.Stat(ctx, key); {
	case err == nil:
		return fmt.Errorf("%w: blob %s", core.ErrAlreadyExists, key)
	case !errors.Is(err, core.ErrNotFound):
		return err
	}

	body := newExactBody(r, size)
	in := &awss3.PutObjectInput{
		Bucket:        aws.String(s.bucket),
		Key:           s.objectKey(key),
		ContentLength: aws.Int64(size),
		ContentType:   aws.String(contentType),
		IfNoneMatch:   aws.String("*"),
	}
	if size == 0 {
		// An empty upload has no body for the transport to read, so check r here.
		if err := body.checkEmpty(); err != nil {
			return err
		}
	} else {
		in.Body = body
	}
	_, err := s.client.PutObject(ctx, in, unsignedPayload)
	if berr := body.finish(); berr != nil {
		return berr
	}
	switch {
	case err == nil:
		return nil
	case errorCode(err) == "PreconditionFailed" || httpStatus(err) == http.StatusPreconditionFailed:
		return fmt.Errorf("%w: blob %s", core.ErrAlreadyExists, key)
	default:
		return s.fail(ctx, "put", key, err)
	}
}

// unsignedPayload signs a Put without hashing its body, which would need a second pass over
// a reader that can be read only once. The SDK does the same on https by itself; this makes
// a plain-http endpoint (a local MinIO) stream too.
func unsignedPayload(o *awss3.Options) {
	o.APIOptions = append(o.APIOptions, v4.SwapComputePayloadSHA256ForUnsignedPayloadMiddleware)
}

// Get opens the blob; see [ports.BlobStore].
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, ports.BlobInfo, error) {
	if err := ports.ValidateBlobKey(key); err != nil {
		return nil, ports.BlobInfo{}, err
	}
	if err := ctx.Err(); err != nil {
		return nil, ports.BlobInfo{}, err
	}
	out, err := s.client.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(s.bucket), Key: s.objectKey(key)})
	if err != nil {
		if isNotFound(err) {
			return nil, ports.BlobInfo{}, fmt.Errorf("%w: blob %s", core.ErrNotFound, key)
		}
		return nil, ports.BlobInfo{}, s.fail(ctx, "get", key, err)
	}
	info := ports.BlobInfo{
		Key:         key,
		Size:        aws.ToInt64(out.ContentLength),
		ContentType: aws.ToString(out.ContentType),
		ModTime:     aws.ToTime(out.LastModified),
	}
	return out.Body, info, nil
}

// Stat describes the blob; see [ports.BlobStore].
func (s *Store) Stat(ctx context.Context, key string) (ports.BlobInfo, error) {
	if err := ports.ValidateBlobKey(key); err != nil {
		return ports.BlobInfo{}, err
	}
	if err := ctx.Err(); err != nil {
		return ports.BlobInfo{}, err
	}
	out, err := s.client.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String(s.bucket), Key: s.objectKey(key)})
	if err != nil {
		if isNotFound(err) {
			return ports.BlobInfo{}, fmt.Errorf("%w: blob %s", core.ErrNotFound, key)
		}
		return ports.BlobInfo{}, s.fail(ctx, "stat", key, err)
	}
	return ports.BlobInfo{
		Key:         key,
		Size:        aws.ToInt64(out.ContentLength),
		ContentType: aws.ToString(out.ContentType),
		ModTime:     aws.ToTime(out.LastModified),
	}, nil
}

// Delete removes the blob; see [ports.BlobStore]. S3 answers a delete of a missing key with
// success already; a provider that answers 404 instead is read the same way.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := ports.ValidateBlobKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err := s.client.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String(s.bucket), Key: s.objectKey(key)})
	if err != nil && !isNotFound(err) {
		return s.fail(ctx, "delete", key, err)
	}
	return nil
}

// fail wraps an SDK error of op on key: the caller's own cancellation reads as its context's
// error, anything else (network, 5xx, refusals) as it came, for the caller to log. The
// SDK's messages carry the operation, status and request id, never the credentials.
func (s *Store) fail(ctx context.Context, op, key string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("s3: %s %s: %w", op, key, ctx.Err())
	}
	return fmt.Errorf("s3: %s %s: %w", op, key, err)
}

// isNotFound reports an answer that the object does not exist. HeadObject's 404 has no body,
// so a missing bucket reads the same; [New] rules that out at start.
func isNotFound(err error) bool {
	switch errorCode(err) {
	case "NoSuchKey", "NotFound":
		return true
	case "NoSuchBucket":
		return false
	}
	return httpStatus(err) == http.StatusNotFound
}

// httpStatus is the HTTP status of the answer that err reports, or 0 if none came.
func httpStatus(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// errorCode is the S3 error code in err, or "".
func errorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

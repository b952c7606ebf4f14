package s3_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/blob/s3"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// s3Config is the adapter's config, named apart from the package.
type s3Config = s3.Config

const (
	testBucket = "talabin-blobs"
	testSecret = "test-secret-access-key-never-shown"
)

// fake is an in-process S3 server: gofakes3 on its memory backend, behind a handler that
// records every request, can answer 500 to everything, and can run a hook before a request
// reaches the fake.
type fake struct {
	srv     *httptest.Server
	backend *s3mem.Backend

	mu       sync.Mutex
	requests []recorded
	before   func(r *http.Request)

	broken atomic.Bool
}

// recorded is what a test checks of one request.
type recorded struct {
	method string
	path   string
	header http.Header
}

// newFake starts a fake holding one empty bucket, testBucket.
func newFake(t *testing.T) *fake {
	t.Helper()
	f := &fake{backend: s3mem.New()}
	require.NoError(t, f.backend.CreateBucket(testBucket))
	s3srv := gofakes3.New(f.backend, gofakes3.WithLogger(gofakes3.DiscardLog())).Server()
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.requests = append(f.requests, recorded{r.Method, r.URL.Path, r.Header.Clone()})
		before := f.before
		f.mu.Unlock()
		if f.broken.Load() {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?>`+
				`<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>`)
			return
		}
		if before != nil {
			before(r)
		}
		s3srv.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// config is a valid config for the fake.
func (f *fake) config() s3.Config {
	return s3.Config{
		Endpoint:        f.srv.URL,
		Region:          "us-east-1",
		Bucket:          testBucket,
		AccessKeyID:     "test-access-key",
		SecretAccessKey: testSecret,
		PathStyle:       true,
		Timeout:         10 * time.Second,
	}
}

// requestsFor returns the recorded requests with method.
func (f *fake) requestsFor(method string) []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []recorded
	for _, r := range f.requests {
		if r.method == method {
			out = append(out, r)
		}
	}
	return out
}

// setBefore installs hook to run before each request reaches the fake.
func (f *fake) setBefore(hook func(r *http.Request)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.before = hook
}

// newStore opens a store on f with its config changed by edit, if not nil.
func newStore(t *testing.T, f *fake, edit func(*s3.Config)) *s3.Store {
	t.Helper()
	cfg := f.config()
	if edit != nil {
		edit(&cfg)
	}
	s, err := s3.New(t.Context(), cfg)
	require.NoError(t, err)
	return s
}

func newKey(t *testing.T, prefix string) string {
	t.Helper()
	key, err := ports.NewBlobKey(prefix, rand.Reader)
	require.NoError(t, err)
	return key
}

func put(t *testing.T, s *s3.Store, key, data string) {
	t.Helper()
	require.NoError(t, s.Put(t.Context(), key, strings.NewReader(data), int64(len(data)), "image/png"))
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	valid := func() s3.Config {
		return s3.Config{
			Endpoint:        "https://s3.ir-thr-at1.arvanstorage.ir",
			Region:          "ir-thr-at1",
			Bucket:          "talabin-kyc",
			AccessKeyID:     "AKIDEXAMPLE",
			SecretAccessKey: testSecret,
		}
	}
	tests := []struct {
		name    string
		edit    func(*s3.Config)
		wantErr string
	}{
		{"Valid", func(*s3.Config) {}, ""},
		{"AmazonWithoutEndpoint", func(c *s3.Config) { c.Endpoint = "" }, ""},
		{"PlainHTTPEndpoint", func(c *s3.Config) { c.Endpoint = "http://127.0.0.1:9000" }, ""},
		{"WithPrefixAndOptions", func(c *s3.Config) {
			c.Prefix, c.PathStyle, c.Timeout = "talabin/prod", true, time.Minute
		}, ""},
		{"EndpointNotURL", func(c *s3.Config) { c.Endpoint = "s3.example.com" }, "endpoint must be an absolute"},
		{"EndpointFTP", func(c *s3.Config) { c.Endpoint = "ftp://s3.example.com" }, "endpoint must be an absolute"},
		{"EndpointWithUser", func(c *s3.Config) { c.Endpoint = "https://key:" + testSecret + "@s3.example.com" }, "must not carry credentials"},
		{"EndpointWithQuery", func(c *s3.Config) { c.Endpoint = "https://s3.example.com/?x=1" }, "query or fragment"},
		{"NoRegion", func(c *s3.Config) { c.Region = " " }, "region is required"},
		{"NoBucket", func(c *s3.Config) { c.Bucket = "" }, "bucket name must be 3 to 63"},
		{"BucketTooLong", func(c *s3.Config) { c.Bucket = strings.Repeat("b", 64) }, "bucket name must be 3 to 63"},
		{"BucketUpper", func(c *s3.Config) { c.Bucket = "Talabin" }, "naming rules"},
		{"BucketEdgeDash", func(c *s3.Config) { c.Bucket = "talabin-" }, "naming rules"},
		{"BucketSlash", func(c *s3.Config) { c.Bucket = "tala/bin" }, "naming rules"},
		{"NoAccessKey", func(c *s3.Config) { c.AccessKeyID = "" }, "access key id is required"},
		{"NoSecret", func(c *s3.Config) { c.SecretAccessKey = "" }, "secret access key is required"},
		{"BadPrefix", func(c *s3.Config) { c.Prefix = "../up" }, "prefix"},
		{"PrefixTrailingSlash", func(c *s3.Config) { c.Prefix = "talabin/" }, "prefix"},
		{"NegativeTimeout", func(c *s3.Config) { c.Timeout = -time.Second }, "timeout must not be negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := valid()
			tc.edit(&cfg)
			err := cfg.Validate()
			if tc.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tc.wantErr)
			require.NotContains(t, err.Error(), testSecret)
		})
	}
}

func TestNewRefusesInvalidConfigWithoutCalling(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	cfg := f.config()
	cfg.Region = ""
	_, err := s3.New(t.Context(), cfg)
	require.ErrorContains(t, err, "region is required")
	require.Empty(t, f.requestsFor(http.MethodHead), "an invalid config contacts nobody")
}

func TestNewChecksBucket(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	cfg := f.config()
	cfg.Bucket = "no-such-bucket"
	_, err := s3.New(t.Context(), cfg)
	require.ErrorContains(t, err, "check bucket no-such-bucket")
	require.NotContains(t, err.Error(), testSecret)
}

func TestPathStyleRequestsReachFake(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s := newStore(t, f, nil)
	key := newKey(t, "kyc/2026/12")
	put(t, s, key, "document")

	puts := f.requestsFor(http.MethodPut)
	require.Len(t, puts, 1)
	require.Equal(t, "/"+testBucket+"/"+key, puts[0].path, "the bucket is the first path segment")
	obj, err := f.backend.HeadObject(testBucket, key)
	require.NoError(t, err)
	require.Equal(t, int64(len("document")), obj.Size)
}

func TestKeyPrefixApplied(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	prefixed := newStore(t, f, func(c *s3.Config) { c.Prefix = "talabin/prod" })
	bare := newStore(t, f, nil)
	key := newKey(t, "kyc")
	put(t, prefixed, key, "document")

	_, err := f.backend.HeadObject(testBucket, "talabin/prod/"+key)
	require.NoError(t, err, "the object name carries the prefix")
	_, err = bare.Stat(t.Context(), key)
	require.ErrorIs(t, err, core.ErrNotFound, "the key alone names no object")
	info, err := prefixed.Stat(t.Context(), key)
	require.NoError(t, err)
	require.Equal(t, key, info.Key, "the prefix never shows through the port")
}

func TestPutRequestHeaders(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s := newStore(t, f, nil)
	put(t, s, newKey(t, "kyc"), "document")

	puts := f.requestsFor(http.MethodPut)
	require.Len(t, puts, 1)
	h := puts[0].header
	for name := range h {
		lower := strings.ToLower(name)
		require.False(t, lower == "x-amz-acl" || strings.HasPrefix(lower, "x-amz-grant-"),
			"objects take the bucket's private default; found header %s", name)
	}
	require.Equal(t, "*", h.Get("If-None-Match"), "the write is conditional")
	require.Equal(t, "8", h.Get("Content-Length"))
	require.Equal(t, "image/png", h.Get("Content-Type"))
	require.Equal(t, "UNSIGNED-PAYLOAD", h.Get("X-Amz-Content-Sha256"))
	require.Empty(t, h.Get("Content-Encoding"), "no aws-chunked trailing checksum")
	require.NotContains(t, h.Get("Authorization"), testSecret)
}

func TestConditionalWriteRefusesLateCreator(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s := newStore(t, f, nil)
	key := newKey(t, "kyc")
	// Another writer creates the key between the store's HeadObject and its PutObject.
	var once sync.Once
	created := make(chan error, 1)
	f.setBefore(func(r *http.Request) {
		if r.Method != http.MethodPut {
			return
		}
		once.Do(func() {
			_, err := f.backend.PutObject(testBucket, key, map[string]string{"Content-Type": "image/jpeg"},
				strings.NewReader("first"), 5, nil)
			created <- err
		})
	})

	err := s.Put(t.Context(), key, strings.NewReader("second"), 6, "image/png")
	require.NoError(t, <-created, "the other writer")
	require.ErrorIs(t, err, core.ErrAlreadyExists)
	rc, info, err := s.Get(t.Context(), key)
	require.NoError(t, err)
	defer func() { require.NoError(t, rc.Close()) }()
	got, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.Equal(t, "first", string(got), "the other writer's blob is left as it was")
	require.Equal(t, "image/jpeg", info.ContentType)
}

func TestSecondPutSendsNoBody(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s := newStore(t, f, nil)
	key := newKey(t, "kyc")
	put(t, s, key, "first")

	err := s.Put(t.Context(), key, strings.NewReader("second"), 6, "image/png")
	require.ErrorIs(t, err, core.ErrAlreadyExists)
	require.Len(t, f.requestsFor(http.MethodPut), 1, "the HeadObject check refuses before any upload")
}

func TestReaderErrorStoresNothing(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s := newStore(t, f, nil)
	key := newKey(t, "kyc")
	src := io.MultiReader(strings.NewReader("part of it"), errReader{})

	err := s.Put(t.Context(), key, src, 100, "image/png")
	require.ErrorIs(t, err, errBoom)
	_, err = s.Stat(t.Context(), key)
	require.ErrorIs(t, err, core.ErrNotFound)
}

func TestCancelDuringUpload(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s := newStore(t, f, nil)
	key := newKey(t, "kyc")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	src := &stallingReader{left: 4 << 20, ctx: ctx, stalled: make(chan struct{})}

	done := make(chan error, 1)
	go func() { done <- s.Put(ctx, key, src, 4<<20, "application/pdf") }()
	<-src.stalled
	cancel()
	err := <-done
	require.ErrorIs(t, err, context.Canceled)
	_, err = s.Stat(t.Context(), key)
	require.ErrorIs(t, err, core.ErrNotFound, "a canceled upload leaves nothing")
}

func TestCanceledContextRefusesEveryCall(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s := newStore(t, f, nil)
	key := newKey(t, "kyc")
	put(t, s, key, "document")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()

	_, _, err := s.Get(ctx, key)
	require.ErrorIs(t, err, context.Canceled)
	_, err = s.Stat(ctx, key)
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, s.Delete(ctx, key), context.Canceled)
	_, err = s.Stat(t.Context(), key)
	require.NoError(t, err, "a canceled delete leaves the blob")
}

func TestServerErrorIsAnError(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s := newStore(t, f, nil)
	key := newKey(t, "kyc")
	put(t, s, key, "document")
	f.broken.Store(true)

	tests := []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"Put", func(ctx context.Context) error {
			return s.Put(ctx, newKey(t, "kyc"), strings.NewReader("x"), 1, "image/png")
		}},
		{"Get", func(ctx context.Context) error {
			rc, _, err := s.Get(ctx, key)
			if rc != nil {
				_ = rc.Close()
			}
			return err
		}},
		{"Stat", func(ctx context.Context) error {
			_, err := s.Stat(ctx, key)
			return err
		}},
		{"Delete", func(ctx context.Context) error { return s.Delete(ctx, key) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.call(t.Context())
			require.Error(t, err)
			require.ErrorContains(t, err, "StatusCode: 500")
			for _, sentinel := range []error{core.ErrNotFound, core.ErrAlreadyExists, core.ErrInvalidInput} {
				require.NotErrorIs(t, err, sentinel)
			}
			require.NotContains(t, err.Error(), testSecret)
		})
	}
}

func TestNewFailsOnServerError(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.broken.Store(true)
	_, err := s3.New(t.Context(), f.config())
	require.ErrorContains(t, err, "StatusCode: 500")
}

var errBoom = errors.New("boom")

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errBoom }

// stallingReader yields left bytes of 'x': a first chunk, then it announces on stalled that
// it waits for ctx to end, and then the rest, so that only the cancellation can fail the
// upload.
type stallingReader struct {
	left    int
	ctx     context.Context
	stalled chan struct{}
	once    sync.Once
	reads   int
}

func (r *stallingReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	r.reads++
	if r.reads > 1 {
		r.once.Do(func() { close(r.stalled) })
		<-r.ctx.Done()
	}
	n := min(len(p), r.left)
	copy(p, bytes.Repeat([]byte("x"), n))
	r.left -= n
	return n, nil
}

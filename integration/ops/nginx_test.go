//go:build integration

package ops_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/integration/appbinary"
)

// The host name of docs/deploy/nginx.conf, and the loopback address the test's client
// connects from, which differs from nginx's own 127.0.0.1 so that the app can only have
// learnt it from the proxy's X-Forwarded-For.
const (
	apiHost  = "api.example.com"
	clientIP = "127.0.0.2"
)

// metricsToken is the app's METRICS_TOKEN in the test.
const metricsToken = "ops-test-metrics-token-0123456789abcdef"

// TestNginxExampleFrontsTheApp runs docs/deploy/nginx.conf, as documented but on temporary
// ports and paths, in front of the built app, and checks what docs/deployment.md promises:
// TLS termination, the redirect from HTTP, the app's security headers passing through, the
// client's address reaching the app's logs, /metrics kept private, the upload cap and other
// host names refused.
func TestNginxExampleFrontsTheApp(t *testing.T) {
	nginx := requireTool(t, "nginx", "apt-get install nginx-light")
	dir := t.TempDir()
	httpPort, httpsPort, appPort := freePort(t), freePort(t), freePort(t)
	certPEM := writeSelfSignedCert(t, dir)

	logPath := startApp(t, dir, map[string]string{
		"DEBUG":           "true",
		"HTTP_ADDR":       "127.0.0.1:" + strconv.Itoa(appPort),
		"SQLITE_PATH":     filepath.Join(dir, "data", "talabin.db"),
		"TRUSTED_PROXIES": "127.0.0.1",
		"ALLOWED_HOSTS":   apiHost,
		"METRICS_TOKEN":   metricsToken,
		// Every request through nginx must read as HTTPS (X-Forwarded-Proto), or the app
		// would redirect or refuse it.
		"SECURE_SSL_REDIRECT": "true",
	})
	startNginx(t, nginx, dir, renderNginxConf(t, dir, httpPort, httpsPort, appPort))

	client := proxyClient(t, certPEM, map[string]int{"80": httpPort, "443": httpsPort})
	waitForHTTP(t, client, "https://"+apiHost+"/healthz", nil)

	t.Run("healthz over HTTPS", func(t *testing.T) {
		resp, body := do(t, client, http.MethodGet, "https://"+apiHost+"/healthz", nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.JSONEq(t, `{"status":"ok"}`, body)
		require.Equal(t, "HTTP/2.0", resp.Proto, "the example enables HTTP/2")
	})

	t.Run("API answer carries the app's security headers and the client's address", func(t *testing.T) {
		// A spoofed X-Forwarded-For: nginx replaces it with the peer it saw.
		resp, body := do(t, client, http.MethodPost, "https://"+apiHost+"/api/auth/login/",
			strings.NewReader(`{"phone_number":"09120000001","password":"Wrong-Pass-2026"}`),
			http.Header{"Content-Type": {"application/json"}, "X-Forwarded-For": {"203.0.113.9"}})
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode, body)
		require.Contains(t, body, `"invalid_credentials"`)
		require.Equal(t, "max-age=31536000; includeSubDomains", resp.Header.Get("Strict-Transport-Security"))
		require.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
		require.Equal(t, "DENY", resp.Header.Get("X-Frame-Options"))
		require.NotEmpty(t, resp.Header.Get("X-Request-ID"))

		line := logLine(t, logPath, "login_failed")
		require.Equal(t, clientIP, line["ip"], "the app logs the address nginx saw, not its own or a spoofed one: %v", line)
	})

	t.Run("HTTP redirects to HTTPS", func(t *testing.T) {
		resp, _ := do(t, client, http.MethodGet, "http://"+apiHost+"/api/prices/gold/current/?lang=fa", nil, nil)
		require.Equal(t, http.StatusMovedPermanently, resp.StatusCode)
		require.Equal(t, "https://"+apiHost+"/api/prices/gold/current/?lang=fa", resp.Header.Get("Location"))
	})

	t.Run("metrics are not proxied", func(t *testing.T) {
		auth := http.Header{"Authorization": {"Bearer " + metricsToken}}
		resp, _ := do(t, client, http.MethodGet, "https://"+apiHost+"/metrics", nil, auth)
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
		require.Empty(t, resp.Header.Get("X-Request-ID"), "the app answered: nginx passed /metrics on")
	})

	t.Run("bodies above the app's multipart limit are refused at the proxy", func(t *testing.T) {
		resp, _ := do(t, client, http.MethodPost, "https://"+apiHost+"/api/auth/login/",
			bytes.NewReader(make([]byte, 12<<20+1)), http.Header{"Content-Type": {"application/json"}})
		require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
		require.Empty(t, resp.Header.Get("X-Request-ID"), "the app answered: nginx let the body through")
	})

	t.Run("other host names are refused", func(t *testing.T) {
		d := tls.Dialer{Config: &tls.Config{ServerName: "other.example.org", InsecureSkipVerify: true}} //nolint:gosec // the handshake must fail whatever the certificate
		conn, err := d.DialContext(t.Context(), "tcp", "127.0.0.1:"+strconv.Itoa(httpsPort))
		if err == nil {
			_ = conn.Close()
		}
		require.Error(t, err, "nginx completed a TLS handshake for another host name")
	})
}

// renderNginxConf writes docs/deploy/nginx.conf with its ports and paths swapped for the
// test's, wrapped in a minimal main configuration, and returns the main file's path. Every
// swapped text must be in the example, so that the example and the test cannot drift apart.
func renderNginxConf(t *testing.T, dir string, httpPort, httpsPort, appPort int) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(repoRoot, "docs", "deploy", "nginx.conf"))
	require.NoError(t, err)
	site := string(src)
	http, https := "127.0.0.1:"+strconv.Itoa(httpPort), "127.0.0.1:"+strconv.Itoa(httpsPort)
	for _, r := range [][2]string{
		{"listen [::]:80 default_server;", ""},
		{"listen [::]:443 ssl default_server;", ""},
		{"listen [::]:80;", ""},
		{"listen [::]:443 ssl http2;", ""},
		{"listen 80 default_server;", "listen " + http + " default_server;"},
		{"listen 443 ssl default_server;", "listen " + https + " ssl default_server;"},
		{"listen 80;", "listen " + http + ";"},
		{"listen 443 ssl http2;", "listen " + https + " ssl http2;"},
		{"server 127.0.0.1:8000;", "server 127.0.0.1:" + strconv.Itoa(appPort) + ";"},
		{"/etc/letsencrypt/live/api.example.com/fullchain.pem", filepath.Join(dir, "cert.pem")},
		{"/etc/letsencrypt/live/api.example.com/privkey.pem", filepath.Join(dir, "key.pem")},
		{"/var/log/nginx/", dir + "/"},
		{"/var/www/letsencrypt", filepath.Join(dir, "acme")},
	} {
		require.Contains(t, site, r[0], "docs/deploy/nginx.conf changed: update the test's rendering")
		site = strings.ReplaceAll(site, r[0], r[1])
	}
	sitePath := filepath.Join(dir, "talabin.conf")
	require.NoError(t, os.WriteFile(sitePath, []byte(site), 0o600)) //nolint:gosec // a path under t.TempDir()

	var main strings.Builder
	if os.Geteuid() == 0 {
		// Workers would drop to nobody, who cannot write the temporary folder.
		main.WriteString("user root;\n")
	}
	main.WriteString("worker_processes 1;\npid " + filepath.Join(dir, "nginx.pid") + ";\n" +
		"error_log " + filepath.Join(dir, "error.log") + " warn;\n" +
		"events { worker_connections 64; }\nhttp {\n" +
		"    access_log " + filepath.Join(dir, "access.log") + ";\n" +
		"    client_body_temp_path " + filepath.Join(dir, "body") + ";\n" +
		"    proxy_temp_path " + filepath.Join(dir, "proxy") + ";\n")
	for _, module := range []string{"fastcgi", "uwsgi", "scgi"} {
		main.WriteString("    " + module + "_temp_path " + filepath.Join(dir, module) + ";\n")
	}
	main.WriteString("    include " + sitePath + ";\n}\n")
	mainPath := filepath.Join(dir, "nginx.conf")
	require.NoError(t, os.WriteFile(mainPath, []byte(main.String()), 0o600))
	return mainPath
}

// startNginx checks conf with nginx -t, then runs nginx in the foreground until t ends.
func startNginx(t *testing.T, nginx, dir, conf string) {
	t.Helper()
	args := []string{"-p", dir, "-e", filepath.Join(dir, "error.log"), "-c", conf, "-g", "daemon off;"}
	out, err := exec.CommandContext(t.Context(), nginx, append(args, "-t")...).CombinedOutput()
	require.NoError(t, err, "nginx -t:\n%s", out)

	cmd := exec.CommandContext(context.WithoutCancel(t.Context()), nginx, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGQUIT)
		_ = cmd.Wait()
		if t.Failed() {
			errLog, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Logf("nginx stderr:\n%s\nnginx error.log:\n%s", stderr.String(), errLog)
		}
	})
}

// startApp runs the built app's serve with environ until t ends and returns the path of its
// log. The log goes straight to a file, so a line written before a response was sent is in
// the file when the response arrives.
func startApp(t *testing.T, dir string, environ map[string]string) string {
	t.Helper()
	bin := appbinary.Path(t)
	logPath := filepath.Join(dir, "talabin.log")
	logFile, err := os.Create(logPath)
	require.NoError(t, err)
	t.Cleanup(func() { _ = logFile.Close() })

	cmd := exec.CommandContext(context.WithoutCancel(t.Context()), bin, "serve")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir}
	for k, v := range environ {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	require.NoError(t, cmd.Start())
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		<-exited
		if t.Failed() {
			out, _ := os.ReadFile(logPath)
			t.Logf("talabin log:\n%s", out)
		}
	})
	waitForHTTP(t, &http.Client{}, "http://"+environ["HTTP_ADDR"]+"/healthz", exited)
	return logPath
}

// writeSelfSignedCert writes cert.pem and key.pem for apiHost into dir and returns the
// certificate's PEM, which the client trusts as its only root.
func writeSelfSignedCert(t *testing.T, dir string) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: apiHost},
		DNSNames:              []string{apiHost},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	require.NoError(t, os.WriteFile(filepath.Join(dir, "cert.pem"), certPEM, 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "key.pem"),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600))
	return certPEM
}

// proxyClient is an HTTP client for apiHost that connects from clientIP to nginx's
// temporary ports (ports maps the URL's port to the real one), trusts only certPEM and
// does not follow redirects.
func proxyClient(t *testing.T, certPEM []byte, ports map[string]int) *http.Client {
	t.Helper()
	roots := x509.NewCertPool()
	require.True(t, roots.AppendCertsFromPEM(certPEM))
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(clientIP)}, Timeout: 5 * time.Second}
	transport := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			_, port, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			return dialer.DialContext(ctx, network, "127.0.0.1:"+strconv.Itoa(ports[port]))
		},
		TLSClientConfig:   &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
		ForceAttemptHTTP2: true,
	}
	t.Cleanup(transport.CloseIdleConnections)
	return &http.Client{
		Transport:     transport,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// answer is a response, read and closed.
type answer struct {
	StatusCode int
	Proto      string
	Header     http.Header
}

// do sends one request and returns the answer and its body.
func do(t *testing.T, client *http.Client, method, url string, body io.Reader, header http.Header) (answer, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, body)
	require.NoError(t, err)
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return answer{StatusCode: resp.StatusCode, Proto: resp.Proto, Header: resp.Header}, string(b)
}

// logLine returns the last JSON line of the log at path whose message is msg.
func logLine(t *testing.T, path, msg string) map[string]any {
	t.Helper()
	f, err := os.Open(path) //nolint:gosec // the test's own log file
	require.NoError(t, err)
	defer func() { _ = f.Close() }()
	var found map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		var line map[string]any
		if json.Unmarshal(sc.Bytes(), &line) == nil && line["msg"] == msg {
			found = line
		}
	}
	require.NoError(t, sc.Err())
	require.NotNil(t, found, "no %q line in the app's log", msg)
	return found
}

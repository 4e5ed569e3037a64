package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
)

// fakeOutput is a buffer that a running command writes while the test reads.
type fakeOutput struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *fakeOutput) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *fakeOutput) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var fakeBanner = regexp.MustCompile(`fake OpenAI API at (http://\S+/v1)\n`)

// runningFake is "kosmo fake" running in-process until stop.
type runningFake struct {
	baseURL        string
	stdout, stderr *fakeOutput
	stop           func() int // interrupts the command and returns its exit code
}

// startFake runs "kosmo fake --addr 127.0.0.1:0" with args in workDir and
// waits until it listens.
func startFake(t *testing.T, workDir string, args ...string) *runningFake {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	f := &runningFake{stdout: &fakeOutput{}, stderr: &fakeOutput{}}
	env := Env{Stdin: strings.NewReader(""), Stdout: f.stdout, Stderr: f.stderr,
		Getenv: func(string) string { return "" }, HomeDir: t.TempDir(), WorkDir: workDir}
	exited := make(chan struct{})
	code := -1
	go func() {
		defer close(exited)
		code = Main(ctx, append([]string{"fake", "--addr", "127.0.0.1:0"}, args...), env)
	}()
	f.stop = func() int {
		cancel()
		select {
		case <-exited:
			return code
		case <-time.After(10 * time.Second):
			t.Error("kosmo fake did not stop")
			return -1
		}
	}
	t.Cleanup(func() { f.stop() })
	deadline := time.Now().Add(10 * time.Second)
	for {
		if m := fakeBanner.FindStringSubmatch(f.stdout.String()); m != nil {
			f.baseURL = m[1]
			return f
		}
		select {
		case <-exited:
			t.Fatalf("kosmo fake exited with %d before listening: %s", code, f.stderr.String())
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("kosmo fake did not start listening")
		}
	}
}

// fakeRequest sends one request to the running fake with key as the Bearer
// key and returns the status and x-request-id.
func fakeRequest(t *testing.T, f *runningFake, method, path, key, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, f.baseURL+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	tr := &http.Transport{Proxy: nil, DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	res, err := (&http.Client{Transport: tr}).Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode, res.Header.Get("x-request-id")
}

var fakeLogLine = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (GET|POST) (/v1/\S+) (\d{3}) \d+\.\d{3}ms (req_[0-9a-f]{32})$`)

func TestFakeRequestLog(t *testing.T) {
	const wrongKey = "sk-canary-not-the-fake-key-42"
	const bodyCanary = "body-canary-7f3a"
	requests := []struct {
		method, path, key, body string
		status                  int
	}{
		{"GET", "/models?after=query-canary", openaitest.DefaultAPIKey, "", 200},
		{"POST", "/chat/completions", openaitest.DefaultAPIKey,
			`{"model":"gpt-4.1-nano","messages":[{"role":"user","content":"` + bodyCanary + `"}]}`, 200},
		{"POST", "/chat/completions", openaitest.DefaultAPIKey,
			`{"model":"gpt-nope","messages":[{"role":"user","content":"` + bodyCanary + `"}]}`, 404},
		{"POST", "/embeddings", wrongKey, `{"model":"text-embedding-3-small","input":"` + bodyCanary + `"}`, 401},
	}
	tests := []struct {
		name    string
		args    []string
		logFile string // where the log is expected, relative to the work dir; "" for stderr
		quiet   bool
	}{
		{name: "standard error by default"},
		{name: "to a file", args: []string{"--log", "requests.log"}, logFile: "requests.log"},
		{name: "quiet", args: []string{"--quiet"}, quiet: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			work := t.TempDir()
			f := startFake(t, work, tt.args...)
			var ids []string
			for _, rq := range requests {
				status, id := fakeRequest(t, f, rq.method, rq.path, rq.key, rq.body)
				require.Equal(t, rq.status, status)
				ids = append(ids, id)
			}
			require.Equal(t, ExitInterrupted, f.stop(), "stopped as by SIGINT")

			log := f.stderr.String()
			if tt.logFile != "" {
				assert.Empty(t, log, "the log goes to the file only")
				b, err := os.ReadFile(filepath.Join(work, tt.logFile))
				require.NoError(t, err)
				log = string(b)
			}
			if tt.quiet {
				assert.Empty(t, log)
				entries, err := os.ReadDir(work)
				require.NoError(t, err)
				assert.Empty(t, entries, "no log file either")
				return
			}
			lines := strings.Split(strings.TrimSuffix(log, "\n"), "\n")
			require.Len(t, lines, len(requests), "one line per request: %q", log)
			for i, rq := range requests {
				m := fakeLogLine.FindStringSubmatch(lines[i])
				require.NotNil(t, m, "line %q", lines[i])
				assert.Equal(t, rq.method, m[1])
				assert.Equal(t, "/v1"+strings.SplitN(rq.path, "?", 2)[0], m[2])
				assert.Equal(t, strconv.Itoa(rq.status), m[3])
				assert.Equal(t, ids[i], m[4])
			}
			for _, secret := range []string{openaitest.DefaultAPIKey, wrongKey, bodyCanary, "query-canary", "Bearer"} {
				assert.NotContains(t, log, secret)
			}
			assert.NotContains(t, f.stdout.String(), wrongKey)
		})
	}
}

// TestFakeRequestLogAppends: a second run appends to the same file.
func TestFakeRequestLogAppends(t *testing.T) {
	work := t.TempDir()
	for range 2 {
		f := startFake(t, work, "--log", "requests.log")
		status, _ := fakeRequest(t, f, "GET", "/models", openaitest.DefaultAPIKey, "")
		require.Equal(t, 200, status)
		require.Equal(t, ExitInterrupted, f.stop(), "stopped as by SIGINT")
	}
	b, err := os.ReadFile(filepath.Join(work, "requests.log"))
	require.NoError(t, err)
	assert.Equal(t, 2, strings.Count(string(b), " GET /v1/models 200 "), "%s", b)
}

func TestFakeRequestLogUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"quiet and log", []string{"--quiet", "--log", "x.log"}, "--quiet and --log cannot be used together"},
		{"log file cannot be opened", []string{"--log", filepath.Join("no", "such", "dir", "x.log")}, "cannot open the request log"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, context.Background(), nil, append([]string{"fake", "--addr", "127.0.0.1:0"}, tt.args...)...)
			assert.Equal(t, ExitUsage, r.code)
			assert.Contains(t, r.stderr, tt.want)
			assert.NotContains(t, r.stdout, "fake OpenAI API at", "nothing is served")
		})
	}
}

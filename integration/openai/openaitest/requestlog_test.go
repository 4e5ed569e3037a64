package openaitest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// logLinePattern is a request log line: time, method, path, status or "-",
// milliseconds, request id.
var logLinePattern = regexp.MustCompile(`^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) ([A-Z]+) (\S+) (\d{3}|-) (\d+\.\d{3})ms (req_[0-9a-f]{32})$`)

// lockedBuffer is a bytes.Buffer safe for concurrent use.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestRequestLog(t *testing.T) {
	const canaryKey = "sk-canary-wrong-key-0123456789"
	clock := time.Date(2026, 11, 5, 9, 30, 0, 0, time.UTC)
	chat := func(model string) string {
		return `{"model":"` + model + `","messages":[{"role":"user","content":"body-canary"}]}`
	}
	tests := []struct {
		name, method, path, body string
		key                      string // Bearer key; DefaultAPIKey if empty
		fault                    *Fault
		status                   int // 0: no answer (connection dropped)
	}{
		{name: "answered", method: "GET", path: "/v1/models?limit=query-canary", status: 200},
		{name: "error answer", method: "POST", path: "/v1/chat/completions", body: chat("gpt-nope"), status: 404},
		{name: "streamed answer", method: "POST", path: "/v1/chat/completions",
			body: `{"model":"gpt-4.1-nano","stream":true,"messages":[{"role":"user","content":"body-canary"}]}`, status: 200},
		{name: "wrong key", method: "POST", path: "/v1/chat/completions", body: chat("gpt-4.1-nano"), key: canaryKey, status: 401},
		{name: "body too large", method: "POST", path: "/v1/embeddings", body: `{"input":"` + strings.Repeat("body-canary ", 200) + `"}`, status: 413},
		{name: "unknown path", method: "DELETE", path: "/v1/files", status: 404},
		{name: "injected status", method: "POST", path: "/v1/chat/completions", body: chat("gpt-4.1-nano"),
			fault: &Fault{Status: http.StatusTooManyRequests}, status: 429},
		{name: "headers echoed", method: "POST", path: "/v1/chat/completions", body: chat("gpt-4.1-nano"),
			fault: &Fault{EchoHeaders: true, Status: http.StatusBadRequest}, status: 400},
		{name: "connection reset", method: "GET", path: "/v1/models", fault: &Fault{Reset: true}, status: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log lockedBuffer
			s := NewServer(WithRequestLog(&log), WithMaxBodyBytes(1024), WithClock(func() time.Time { return clock }))
			defer s.Close()
			if tt.fault != nil {
				s.InjectFault(*tt.fault)
			}
			key := tt.key
			if key == "" {
				key = DefaultAPIKey
			}
			req, err := http.NewRequestWithContext(t.Context(), tt.method, s.URL+tt.path, strings.NewReader(tt.body))
			require.NoError(t, err)
			req.Header.Set("Authorization", "Bearer "+key)
			req.Header.Set("Content-Type", "application/json")
			tr := &http.Transport{DisableKeepAlives: true, Proxy: nil}
			defer tr.CloseIdleConnections()
			res, err := (&http.Client{Transport: tr}).Do(req)
			requestID := ""
			if tt.status == 0 {
				require.Error(t, err, "the connection is dropped")
			} else {
				require.NoError(t, err)
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				require.Equal(t, tt.status, res.StatusCode)
				requestID = res.Header.Get("x-request-id")
			}
			s.Close() // waits for the handler, so for its line

			out := log.String()
			require.True(t, strings.HasSuffix(out, "\n"), "lines end with a newline: %q", out)
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			require.Len(t, lines, 1, "one line per request: %q", out)
			m := logLinePattern.FindStringSubmatch(lines[0])
			require.NotNil(t, m, "line %q", lines[0])
			assert.Equal(t, "2026-11-05T09:30:00.000Z", m[1])
			assert.Equal(t, tt.method, m[2])
			assert.Equal(t, strings.SplitN(tt.path, "?", 2)[0], m[3], "the path, without its query")
			if tt.status == 0 {
				assert.Equal(t, "-", m[4])
			} else {
				assert.Equal(t, strconv.Itoa(tt.status), m[4])
				if tt.fault != nil && tt.fault.EchoHeaders {
					// The fault put the Authorization header in x-request-id;
					// the log keeps the id the fake gave the request.
					assert.Contains(t, requestID, DefaultAPIKey)
				} else {
					assert.Equal(t, requestID, m[6], "the id the client was given")
				}
			}
			for _, secret := range []string{DefaultAPIKey, canaryKey, "Bearer", "body-canary", "query-canary"} {
				assert.NotContains(t, out, secret)
			}
		})
	}
}

// overlapDetector is a writer that is not safe for concurrent use and
// counts the Write calls that overlapped another one.
type overlapDetector struct {
	active, overlaps atomic.Int32
	buf              bytes.Buffer // written only while no other Write runs
}

func (d *overlapDetector) Write(p []byte) (int, error) {
	if d.active.Add(1) > 1 {
		d.overlaps.Add(1)
		d.active.Add(-1)
		return len(p), nil
	}
	defer d.active.Add(-1)
	for i := range p { // slowly, to give an overlap its chance
		d.buf.WriteByte(p[i])
		if i%8 == 0 {
			time.Sleep(time.Microsecond)
		}
	}
	return len(p), nil
}

// TestRequestLogConcurrent: the lines of concurrent requests to two fakes
// configured with the same option never overlap, on a writer that is not
// itself safe for concurrent use, and every request gets its line.
func TestRequestLogConcurrent(t *testing.T) {
	var w overlapDetector
	opt := WithRequestLog(&w)
	servers := []*Server{NewServer(opt), NewServer(opt)}
	const workers, perWorker = 8, 25
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			s := servers[i%len(servers)]
			for j := range perWorker {
				var req *http.Request
				if j%2 == 0 {
					req, _ = http.NewRequestWithContext(context.Background(), http.MethodGet, s.BaseURL()+"/models", nil)
				} else {
					req, _ = http.NewRequestWithContext(context.Background(), http.MethodPost, s.BaseURL()+"/embeddings",
						strings.NewReader(`{"model":"text-embedding-3-small","input":"hello"}`))
				}
				req.Header.Set("Authorization", "Bearer "+DefaultAPIKey)
				res, err := s.Client().Do(req)
				if assert.NoError(t, err) {
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
			}
		})
	}
	wg.Wait()
	for _, s := range servers {
		s.Close()
	}
	require.Zero(t, w.overlaps.Load(), "no two lines were written at once")
	lines := strings.Split(strings.TrimSuffix(w.buf.String(), "\n"), "\n")
	require.Len(t, lines, workers*perWorker)
	for _, l := range lines {
		m := logLinePattern.FindStringSubmatch(l)
		require.NotNil(t, m, "line %q", l)
		assert.Equal(t, "200", m[4], l)
	}
}

func TestRequestLogOff(t *testing.T) {
	for _, opts := range [][]Option{nil, {WithRequestLog(nil)}} {
		s := newTestServer(t, opts...)
		ok(t, call(t, s, http.MethodGet, "/v1/models", nil, authHeaders()))
		assert.Nil(t, s.Handler().cfg.requestLog)
	}
}

// TestRecordedBodiesBounded: with WithMaxRecordedBody and
// WithMaxRecordedRequests, the log keeps the first bytes of the last
// requests' bodies and says how long each was.
func TestRecordedBodiesBounded(t *testing.T) {
	srv := NewServer(WithMaxRecordedRequests(2), WithMaxRecordedBody(10))
	t.Cleanup(srv.Close)
	for i := range 3 {
		body := strconv.Itoa(i) + strings.Repeat("x", 100)
		req, err := http.NewRequest(http.MethodPost, srv.BaseURL()+"/embeddings", strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+DefaultAPIKey)
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	reqs := srv.Requests()
	require.Len(t, reqs, 2)
	for i, q := range reqs {
		assert.Equal(t, strconv.Itoa(i+1)+strings.Repeat("x", 9), string(q.Body))
		assert.Equal(t, 101, q.BodySize)
	}
}

package integration_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai"
	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
)

const canary = "sk-canary-client-00112233445566778899"

// TestRetryRule is the rule as a table: which failures are retried for a
// read (or a write that stores nothing) and for a write that creates
// something. The answer is also the Retryable field of the final error.
func TestRetryRule(t *testing.T) {
	resp := func(status int, kv ...string) *integration.Response {
		h := http.Header{}
		for i := 0; i+1 < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		return &integration.Response{Status: status, Header: h}
	}
	reset := errors.New("connection reset by peer")
	tests := []struct {
		name              string
		resp              *integration.Response
		err               error
		sent              bool
		idempotent, write bool // want for a read, want for a creating write
	}{
		{"200", resp(200), nil, true, false, false},
		{"400", resp(400), nil, true, false, false},
		{"401", resp(401), nil, true, false, false},
		{"404", resp(404), nil, true, false, false},
		{"408", resp(408), nil, true, true, true},
		{"409", resp(409), nil, true, true, true},
		{"429", resp(429), nil, true, true, true},
		{"500", resp(500), nil, true, true, false},
		{"502", resp(502), nil, true, true, false},
		{"503", resp(503), nil, true, true, true},
		{"504", resp(504), nil, true, true, false},
		{"x-should-retry true on 400", resp(400, "x-should-retry", "true"), nil, true, true, true},
		{"x-should-retry true on 500", resp(500, "x-should-retry", "true"), nil, true, true, true},
		{"x-should-retry false on 429", resp(429, "x-should-retry", "false"), nil, true, false, false},
		{"x-should-retry false on 503", resp(503, "x-should-retry", "false"), nil, true, false, false},
		{"connection failed before the request was written", nil, reset, false, true, true},
		{"connection failed after the request was written", nil, reset, true, true, false},
		{"attempt timed out after sending", nil, fmt.Errorf("x: %w", context.DeadlineExceeded), true, true, false},
		{"answer larger than the cap", nil, &integration.ResponseTooLargeError{Status: 200, Limit: 1}, true, false, false},
		{"cancelled", nil, context.Canceled, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.idempotent, integration.Retryable(tt.resp, tt.err, tt.sent, true), "read")
			assert.Equal(t, tt.write, integration.Retryable(tt.resp, tt.err, tt.sent, false), "creating write")
		})
	}
}

// invokeFake calls fn against a fake (key canary) with a client whose
// waits are 1 ms.
func invokeFake(t *testing.T, fake *openaitest.Server, c *integration.Client, fn string, args integration.Args, timeout time.Duration) (*integration.Result, integration.CallInfo, error) {
	t.Helper()
	oa := openai.New()
	acct := &integration.Account{Name: "work", Key: integration.NewSecret(canary), BaseURL: fake.BaseURL(), Timeout: timeout}
	return c.Invoke(context.Background(), oa, oa.Function(fn), acct, args)
}

func quickClient() *integration.Client {
	c := integration.NewClient()
	c.Backoff = func(int) time.Duration { return time.Millisecond }
	return c
}

func newFake(t *testing.T) *openaitest.Server {
	fake := openaitest.NewServer(openaitest.WithAPIKeys(canary))
	t.Cleanup(fake.Close)
	return fake
}

// createArgs are those of a write that creates something (a conversation).
var createArgs = integration.Args{}

// TestRetryableFieldFollowsTheRule: the error of a failed call says whether
// calling again is safe, by the same rule as the retries.
func TestRetryableFieldFollowsTheRule(t *testing.T) {
	tests := []struct {
		name      string
		fn        string
		args      integration.Args
		fault     openaitest.Fault
		status    int
		typ       string
		retryable bool
		attempts  int
	}{
		{"read, 500", "openai_list_models", nil, openaitest.Fault{Status: 500}, 500, "server_error", true, 3},
		{"create, 500", "openai_create_thread", createArgs, openaitest.Fault{Status: 500}, 500, "server_error", false, 1},
		{"create, 429", "openai_create_thread", createArgs, openaitest.Fault{Status: 429, Header: map[string]string{"retry-after-ms": "1"}}, 429, "requests", true, 3},
		{"create, reset after sending", "openai_create_thread", createArgs, openaitest.Fault{Reset: true}, 0, "connection_error", false, 1},
		{"read, reset", "openai_list_models", nil, openaitest.Fault{Reset: true}, 0, "connection_error", true, 3},
		{"create, HTML 502", "openai_create_thread", createArgs, openaitest.Fault{Status: 502, Body: "<html></html>", Header: map[string]string{"Content-Type": "text/html"}}, 502, "api_error", false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFake(t)
			fake.InjectFault(tt.fault)
			c := quickClient()
			defer c.HTTP.CloseIdleConnections()
			_, info, err := invokeFake(t, fake, c, tt.fn, tt.args, 0)
			var ae *integration.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.status, ae.Status)
			assert.Equal(t, tt.typ, ae.Type)
			assert.Equal(t, tt.retryable, ae.Retryable)
			assert.Equal(t, tt.attempts, ae.Attempts)
			assert.Equal(t, tt.attempts, info.Attempts)
			assert.NotContains(t, ae.Error(), canary)
		})
	}
}

func TestAttemptTimeoutIsAClearConnectionError(t *testing.T) {
	fake := newFake(t)
	fake.InjectFault(openaitest.Fault{Hang: true})
	c := quickClient()
	defer c.HTTP.CloseIdleConnections()
	start := time.Now()
	_, info, err := invokeFake(t, fake, c, "openai_list_models", nil, 100*time.Millisecond)
	assert.Less(t, time.Since(start), 10*time.Second)
	var ae *integration.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "connection_error", ae.Type)
	assert.Equal(t, 3, info.Attempts)
	assert.Contains(t, ae.Message, "no complete answer within the attempt timeout of 100ms")
	assert.ErrorIs(t, err, context.DeadlineExceeded, "the cause is kept")
}

// TestResponseTooLargeIsNotRetried: an answer over the cap, whether it
// declares its length or not, is refused after one attempt.
func TestResponseTooLargeIsNotRetried(t *testing.T) {
	for _, declared := range []bool{true, false} {
		t.Run(fmt.Sprintf("declared length %v", declared), func(t *testing.T) {
			var n int
			var mu sync.Mutex
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				n++
				mu.Unlock()
				w.Header().Set("x-request-id", "req_big")
				if declared {
					w.Header().Set("Content-Length", "8192")
				}
				_, _ = w.Write(make([]byte, 8192))
			}))
			defer srv.Close()
			c := quickClient()
			c.MaxResponseBytes = 1024
			defer c.HTTP.CloseIdleConnections()
			_, info, err := invoke(t, c, srv.URL, "openai_list_models", nil)
			var ae *integration.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, "invalid_response", ae.Type)
			assert.Equal(t, 200, ae.Status)
			assert.False(t, ae.Retryable)
			assert.Equal(t, "req_big", ae.RequestID)
			assert.Contains(t, ae.Message, "larger than 1024 bytes")
			assert.Equal(t, 1, info.Attempts)
			assert.Equal(t, 200, info.Status)
			mu.Lock()
			assert.Equal(t, 1, n)
			mu.Unlock()
		})
	}
}

func TestMalformedJSONIsAnInvalidResponse(t *testing.T) {
	fake := newFake(t)
	fake.InjectFault(openaitest.Fault{Malformed: true})
	c := quickClient()
	defer c.HTTP.CloseIdleConnections()
	_, info, err := invokeFake(t, fake, c, "openai_list_models", nil, 0)
	var ae *integration.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "invalid_response", ae.Type)
	assert.Equal(t, 200, ae.Status)
	assert.False(t, ae.Retryable)
	assert.Contains(t, ae.Message, "the response is not valid JSON")
	assert.Equal(t, 1, info.Attempts)
	assert.NotEmpty(t, info.RequestID)
}

// TestEchoedKeyIsScrubbed: whatever the server echoes (error fields,
// success bodies, headers, the request id), the key is replaced by its
// redacted form before anyone sees it.
func TestEchoedKeyIsScrubbed(t *testing.T) {
	for _, status := range []int{200, 400, 500} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			fake := newFake(t)
			fake.InjectFault(openaitest.Fault{EchoHeaders: true, Status: status})
			c := quickClient()
			defer c.HTTP.CloseIdleConnections()
			res, info, err := invokeFake(t, fake, c, "openai_list_models", nil, 0)
			assert.NotContains(t, info.RequestID, canary)
			assert.Contains(t, info.RequestID, "sk-…8899")
			if status == 200 {
				require.NoError(t, err)
				assert.NotContains(t, string(res.JSON), canary)
				assert.Contains(t, string(res.JSON), `"Authorization":"Bearer sk-…8899"`)
				return
			}
			var ae *integration.APIError
			require.ErrorAs(t, err, &ae)
			assert.NotContains(t, fmt.Sprintf("%v %+v %#v", ae, ae, ae), canary)
			assert.Equal(t, "sk-…8899", ae.Code)
			assert.Equal(t, "Bearer sk-…8899", ae.Param)
		})
	}
}

// TestConcurrentFailuresAreRaceFree sends creating writes whose connections
// are reset at random points from many goroutines; with -race it checks
// that the "was the request written" signal, set by the transport's own
// goroutine, is read safely.
func TestConcurrentFailuresAreRaceFree(t *testing.T) {
	fake := newFake(t)
	fake.InjectFault(openaitest.Fault{Every: 2, Reset: true})
	fake.InjectFault(openaitest.Fault{Nth: 3, Every: 4, Truncate: true})
	c := quickClient()
	defer c.HTTP.CloseIdleConnections()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				_, _, err := invokeFake(t, fake, c, "openai_create_thread", createArgs, 0)
				var ae *integration.APIError
				if err != nil && !errors.As(err, &ae) {
					t.Errorf("unstructured error: %v", err)
				}
			}
		}()
	}
	wg.Wait()
}

// TestSlowBodyIsBoundedByTheAttemptTimeout: the timeout covers the body, not
// only the headers.
func TestSlowBodyIsBoundedByTheAttemptTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"object":"list","data":[`)
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	defer srv.Close()
	c := quickClient()
	c.MaxRetries = 0
	c.AttemptTimeout = 100 * time.Millisecond
	defer c.HTTP.CloseIdleConnections()
	start := time.Now()
	_, _, err := invoke(t, c, srv.URL, "openai_list_models", nil)
	assert.Less(t, time.Since(start), 10*time.Second)
	var ae *integration.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "connection_error", ae.Type)
	assert.True(t, strings.Contains(ae.Message, "attempt timeout"), ae.Message)
}

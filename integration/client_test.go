package integration_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai"
)

func sprint(v any) string { return fmt.Sprintf("%v %+v %#v", v, v, v) }

// scripted answers each request with the next of statuses (the last one
// repeats), with the given headers, and counts requests.
func scripted(t *testing.T, statuses []int, header map[string]string) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		if i >= len(statuses) {
			i = len(statuses) - 1
		}
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.Header().Set("x-request-id", fmt.Sprintf("req_%d", i))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(statuses[i])
		if statuses[i] >= 400 {
			fmt.Fprintf(w, `{"error":{"message":"failure %d with key %s","type":"server_error","param":null,"code":null}}`, i, r.Header.Get("Authorization"))
			return
		}
		fmt.Fprint(w, `{"object":"list","data":[]}`)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// fastClient records the waits instead of sleeping.
func fastClient(waits *[]time.Duration) *integration.Client {
	c := integration.NewClient()
	c.Sleep = func(ctx context.Context, d time.Duration) error {
		*waits = append(*waits, d)
		return ctx.Err()
	}
	return c
}

func invoke(t *testing.T, c *integration.Client, url, fn string, args integration.Args) (*integration.Result, integration.CallInfo, error) {
	t.Helper()
	oa := openai.New()
	acct := &integration.Account{Name: "work", Key: integration.NewSecret("sk-test-secret-key-123456"), BaseURL: url}
	return c.Invoke(context.Background(), oa, oa.Function(fn), acct, args)
}

func TestRetryPolicy(t *testing.T) {
	upload := integration.Args{"file_content": []byte("x"), "filename": "a.txt", "purpose": "batch"}
	tests := []struct {
		name      string
		fn        string
		args      integration.Args
		statuses  []int
		header    map[string]string
		wantCalls int32
		wantOK    bool
		wantWaits []time.Duration
	}{
		{"read retried on 500 then ok", "openai_list_models", nil, []int{500, 502, 200}, nil, 3, true, nil},
		{"gives up after 2 retries", "openai_list_models", nil, []int{503}, nil, 3, false, nil},
		{"429 honours retry-after-ms", "openai_list_models", nil, []int{429, 200}, map[string]string{"retry-after-ms": "250"}, 2, true, []time.Duration{250 * time.Millisecond}},
		{"429 honours Retry-After seconds", "openai_list_models", nil, []int{429, 200}, map[string]string{"Retry-After": "2"}, 2, true, []time.Duration{2 * time.Second}},
		{"x-should-retry false wins", "openai_list_models", nil, []int{500, 200}, map[string]string{"x-should-retry": "false"}, 1, false, nil},
		{"x-should-retry true on 400", "openai_list_models", nil, []int{400, 200}, map[string]string{"x-should-retry": "true"}, 2, true, nil},
		{"404 not retried", "openai_list_models", nil, []int{404}, nil, 1, false, nil},
		{"write not retried on 500", "openai_upload_file", upload, []int{500, 200}, nil, 1, false, nil},
		{"write retried on 429", "openai_upload_file", upload, []int{429, 200}, nil, 2, true, nil},
		{"write retried on 503", "openai_upload_file", upload, []int{503, 200}, nil, 2, true, nil},
		{"stateless write retried on 500", "openai_chat_completion", integration.Args{"model": "m", "messages": []any{}}, []int{500, 200}, nil, 2, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, calls := scripted(t, tt.statuses, tt.header)
			var waits []time.Duration
			_, info, err := invoke(t, fastClient(&waits), srv.URL, tt.fn, tt.args)
			assert.Equal(t, tt.wantCalls, calls.Load(), "requests")
			assert.Equal(t, int(tt.wantCalls), info.Attempts, "attempts")
			if tt.wantWaits != nil {
				assert.Equal(t, tt.wantWaits, waits)
			}
			if tt.wantOK {
				require.NoError(t, err)
				return
			}
			var ae *integration.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.statuses[min(int(tt.wantCalls), len(tt.statuses))-1], ae.Status)
			assert.NotContains(t, ae.Error(), "sk-test-secret-key-123456", "key echoed by the server is scrubbed")
			assert.Contains(t, ae.Message, "sk-…3456")
			assert.NotEmpty(t, ae.RequestID)
		})
	}
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	for n := 1; n <= 8; n++ {
		d := integration.DefaultBackoff(n)
		want := min(500*time.Millisecond<<(n-1), 8*time.Second)
		assert.LessOrEqual(t, d, want, n)
		assert.GreaterOrEqual(t, d, want*3/4, n)
	}
}

func TestConnectionRefusedIsRetriedEvenForWrites(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	url := "http://" + l.Addr().String()
	require.NoError(t, l.Close())
	var waits []time.Duration
	_, info, err := invoke(t, fastClient(&waits), url, "openai_upload_file", integration.Args{"file_content": []byte("x"), "filename": "a.txt", "purpose": "batch"})
	var ae *integration.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 0, ae.Status)
	assert.Equal(t, "connection_error", ae.Type)
	assert.Equal(t, 3, info.Attempts, "nothing was sent, so retrying cannot duplicate")
	assert.Len(t, waits, 2)
}

func TestContextStopsRetryWait(t *testing.T) {
	srv, calls := scripted(t, []int{503}, map[string]string{"Retry-After": "30"})
	c := integration.NewClient()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	oa := openai.New()
	start := time.Now()
	_, _, err := c.Invoke(ctx, oa, oa.Function("openai_list_models"), &integration.Account{Name: "a", BaseURL: srv.URL}, nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 5*time.Second, "the 30 s wait was cut short")
	assert.Equal(t, int32(1), calls.Load())
}

func TestResponseSizeIsCapped(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write(make([]byte, 4096))
	}))
	defer srv.Close()
	c := integration.NewClient()
	c.MaxResponseBytes = 1024
	c.MaxRetries = 0
	_, _, err := invoke(t, c, srv.URL, "openai_list_models", nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "larger than 1024 bytes")
}

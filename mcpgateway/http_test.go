package mcpgateway_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo"
	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/mcpgateway"
)

// bearerTransport adds an Authorization header to every request.
type bearerTransport struct {
	token string
	base  http.RoundTripper
}

func (b bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.base.RoundTrip(r)
}

// httpClient connects an MCP client over Streamable HTTP to url with token
// ("" for none).
func httpClient(ctx context.Context, url, token string, base http.RoundTripper) (*mcp.ClientSession, error) {
	hc := &http.Client{Transport: base}
	if token != "" {
		hc.Transport = bearerTransport{token, base}
	}
	return mcp.NewClient(&mcp.Implementation{Name: "http-test", Version: "1"}, nil).
		Connect(ctx, &mcp.StreamableClientTransport{Endpoint: url, HTTPClient: hc}, nil)
}

func TestHTTPToken(t *testing.T) {
	a, b := twoFakes(t)
	const token = "s3cret-token-value"
	srv := httptest.NewServer(mcpgateway.HTTPHandler(mcpgateway.Options{Host: twoAccountHost(a, b, nil)}, token))
	t.Cleanup(srv.Close)
	url := srv.URL + mcpgateway.HTTPPath
	ctx := context.Background()

	for _, auth := range []string{"", "Bearer wrong", "Basic " + token, "Bearer"} {
		req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, auth)
		assert.NotContains(t, string(body), token)
		assert.Contains(t, resp.Header.Get("WWW-Authenticate"), "Bearer")
	}
	_, err := httpClient(ctx, url, "wrong", http.DefaultTransport)
	assert.Error(t, err)

	cs, err := httpClient(ctx, url, token, http.DefaultTransport)
	require.NoError(t, err)
	defer func() { _ = cs.Close() }()
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "execute_lua", Arguments: map[string]any{"code": "return 6 * 7"}})
	require.NoError(t, err)
	_, ans, isErr := answerOf(t, res)
	assert.False(t, isErr)
	assert.Equal(t, []any{42.0}, ans.Result)
}

func TestCheckToken(t *testing.T) {
	for addr, loopback := range map[string]bool{"127.0.0.1:8765": true, "localhost:0": true, "[::1]:80": true, "127.1.2.3:9": true,
		"0.0.0.0:8765": false, ":8765": false, "192.168.1.2:80": false, "[::]:80": false, "example.com:80": false, "nonsense": false} {
		assert.Equal(t, loopback, mcpgateway.IsLoopback(addr), addr)
		err := mcpgateway.CheckToken(addr, "")
		if loopback {
			assert.NoError(t, err, addr)
		} else {
			assert.ErrorIs(t, err, mcpgateway.ErrTokenRequired, addr)
		}
		assert.NoError(t, mcpgateway.CheckToken(addr, "tok"), addr)
	}
}

// TestHTTPConcurrentCalls: 50 execute_lua calls at once from 5 sessions
// over HTTP are all answered, each in its own VM, and nothing is left
// running or held afterwards.
func TestHTTPConcurrentCalls(t *testing.T) {
	a, b := twoFakes(t)
	client := integration.NewClient()
	host := twoAccountHost(a, b, func(o *kosmo.Options) { o.Client = client })
	transport := &http.Transport{}
	heapBefore, before := settle()
	srv := httptest.NewServer(mcpgateway.HTTPHandler(mcpgateway.Options{Host: host, AllowWrite: true}, "tok"))
	url := srv.URL + mcpgateway.HTTPPath
	ctx := context.Background()
	const sessions, perSession = 5, 10
	var (
		wg      sync.WaitGroup
		clients []*mcp.ClientSession
	)
	errs := make(chan error, sessions*perSession)
	for s := 0; s < sessions; s++ {
		cs, err := httpClient(ctx, url, "tok", transport)
		require.NoError(t, err)
		clients = append(clients, cs)
		for i := 0; i < perSession; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n := s*perSession + i
				res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "execute_lua", Arguments: map[string]any{"code": fmt.Sprintf(`
local acct = (%d %% 2 == 0) and "main" or "work"
local r = app.integrations.openai[acct].openai_chat_completion({ model = "gpt-4.1-nano", messages = { { role = "user", content = "n%d" } } })
assert(x == nil, "a global of another call")
x = %d
return { n = x, reply = r.choices[1].message.content }`, n, n, n)}})
				switch {
				case err != nil:
					errs <- err
				case res.IsError:
					errs <- fmt.Errorf("call %d: %v", n, res.Content[0].(*mcp.TextContent).Text)
				default:
					got := res.StructuredContent.(map[string]any)["result"].([]any)[0].(map[string]any)
					if got["n"] != float64(n) || !strings.Contains(got["reply"].(string), fmt.Sprintf("n%d", n)) {
						errs <- fmt.Errorf("call %d answered %v", n, got)
					}
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	assert.Len(t, a.Requests(), sessions*perSession/2)
	assert.Len(t, b.Requests(), sessions*perSession/2)

	for _, cs := range clients {
		require.NoError(t, cs.Close())
	}
	srv.Close()
	transport.CloseIdleConnections()
	client.HTTP.CloseIdleConnections() // kosmo's keep-alive connections to the fakes
	var heapAfter uint64
	after := 0
	deadline := time.Now().Add(10 * time.Second)
	for heapAfter, after = settle(); after > before && time.Now().Before(deadline); heapAfter, after = settle() {
		time.Sleep(50 * time.Millisecond)
	}
	if after > before {
		buf := make([]byte, 1<<20)
		t.Fatalf("goroutines: %d before, %d after:\n%s", before, after, buf[:runtime.Stack(buf, true)])
	}
	assert.Less(t, heapAfter, heapBefore+32<<20, "heap: %d MiB before, %d MiB after", heapBefore>>20, heapAfter>>20)
}

// settle collects garbage and returns the live heap and the goroutines.
func settle() (uint64, int) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc, runtime.NumGoroutine()
}

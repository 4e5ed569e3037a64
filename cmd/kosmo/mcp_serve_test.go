package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMCPServeFinishesAfterEndOfInput: a client that sends its requests and
// closes its end gets every answer, not just the initialize one.
func TestMCPServeFinishesAfterEndOfInput(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	in := strings.Join([]string{
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`,
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
		`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"execute_lua","arguments":{"code":"sleep(0.3) return #app.integrations.openai.openai_list_models().data"}}}`,
		`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"openai_list_models","arguments":{}}}`,
		`{"jsonrpc":"2.0","id":4,"method":"tools/list"}`,
	}, "\n") + "\n"
	var out, errOut bytes.Buffer
	code := Main(ctx, []string{"mcp", "serve", "--fake"}, Env{Stdin: strings.NewReader(in), Stdout: &out, Stderr: &errOut,
		Getenv: func(string) string { return "" }, HomeDir: t.TempDir(), WorkDir: t.TempDir()})
	assert.Equal(t, ExitOK, code, errOut.String())
	ids := map[float64]map[string]any{}
	sc := bufio.NewScanner(&out)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var m map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &m))
		if id, ok := m["id"].(float64); ok {
			ids[id] = m
		}
	}
	require.Len(t, ids, 4, out.String())
	res := ids[2]["result"].(map[string]any)
	assert.NotEqual(t, true, res["isError"], "%v", res)
	assert.Greater(t, res["structuredContent"].(map[string]any)["result"].([]any)[0], 3.0)
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type bearer struct{ token string }

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(r)
}

// startHTTP runs `kosmo args…` and returns the MCP URL it printed, its
// standard error, and stop, which ends it and returns its exit code.
func startHTTP(t *testing.T, vars map[string]string, args ...string) (url string, stderr *syncBuffer, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stderr = &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, args, Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: stderr,
			Getenv: func(k string) string { return vars[k] }, HomeDir: t.TempDir(), WorkDir: t.TempDir()})
	}()
	re := regexp.MustCompile(`serving MCP at (http://\S+/mcp);`)
	require.Eventually(t, func() bool {
		select {
		case code := <-done:
			done <- code
			return true
		default:
		}
		return re.MatchString(stderr.String())
	}, 10*time.Second, 10*time.Millisecond)
	m := re.FindStringSubmatch(stderr.String())
	require.NotNil(t, m, "the server did not start: %s", stderr.String())
	stopped := false
	var code int
	stop = func() int {
		if !stopped {
			cancel()
			code, stopped = <-done, true
		}
		return code
	}
	t.Cleanup(func() { stop() })
	return m[1], stderr, stop
}

func TestMCPServeHTTP(t *testing.T) {
	const token = "tok-0123456789abcdef"
	url, stderr, stop := startHTTP(t, map[string]string{TokenEnv: token}, "mcp", "serve", "--fake", "--http", "127.0.0.1:0")
	ctx := context.Background()
	_, err := mcp.NewClient(&mcp.Implementation{Name: "t", Version: "1"}, nil).Connect(ctx, &mcp.StreamableClientTransport{Endpoint: url}, nil)
	require.Error(t, err, "the token is required on loopback too once set")

	cs, err := mcp.NewClient(&mcp.Implementation{Name: "t", Version: "1"}, nil).Connect(ctx,
		&mcp.StreamableClientTransport{Endpoint: url, HTTPClient: &http.Client{Transport: bearer{token}}}, nil)
	require.NoError(t, err)
	tools, err := cs.ListTools(ctx, nil)
	require.NoError(t, err)
	assert.Len(t, tools.Tools, 9)
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "execute_lua", Arguments: map[string]any{
		"code": `return app.integrations.openai.openai_list_models().object`}})
	require.NoError(t, err)
	require.False(t, res.IsError, "%v", res.Content)
	assert.Equal(t, []any{"list"}, res.StructuredContent.(map[string]any)["result"])
	require.NoError(t, cs.Close())
	assert.Equal(t, ExitInterrupted, stop(), "stopped as by SIGINT")
	assert.NotContains(t, stderr.String(), token, "the token is never logged")
	assert.Contains(t, stderr.String(), "access token required")
}

func TestMCPServeHTTPTokenRules(t *testing.T) {
	run := func(vars map[string]string, args ...string) (int, string) {
		var errOut bytes.Buffer
		code := Main(context.Background(), args, Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &errOut,
			Getenv: func(k string) string { return vars[k] }, HomeDir: t.TempDir(), WorkDir: t.TempDir()})
		return code, errOut.String()
	}
	code, msg := run(nil, "mcp", "serve", "--fake", "--http", "0.0.0.0:0")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, msg, "an access token is required to serve MCP on an address that is not loopback (0.0.0.0:0): set KOSMO_MCP_TOKEN or give --token-file FILE")

	code, msg = run(nil, "mcp", "serve", "--token-file", "x")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, msg, "--token-file is for --http ADDR")

	code, msg = run(nil, "mcp", "serve", "--http", "0.0.0.0:0", "--token-file", filepath.Join(t.TempDir(), "missing"))
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, msg, "--token-file")

	code, msg = run(nil, "mcp", "serve", "--tools", "lua")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, msg, `unknown tool set "lua"`)

	// a token from a file, on an address that is not loopback
	file := filepath.Join(t.TempDir(), "token")
	require.NoError(t, os.WriteFile(file, []byte("file-token-xyz\n"), 0o600))
	url, stderr, stop := startHTTP(t, nil, "mcp", "serve", "--fake", "--tools", "code", "--http", "0.0.0.0:0", "--token-file", file)
	url = strings.Replace(url, "0.0.0.0", "127.0.0.1", 1)
	url = strings.Replace(url, "[::]", "127.0.0.1", 1)
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "t", Version: "1"}, nil).Connect(context.Background(),
		&mcp.StreamableClientTransport{Endpoint: url, HTTPClient: &http.Client{Transport: bearer{"file-token-xyz"}}}, nil)
	require.NoError(t, err)
	tools, err := cs.ListTools(context.Background(), nil)
	require.NoError(t, err)
	assert.Len(t, tools.Tools, 4, "--tools code")
	_ = cs.Close()
	assert.Equal(t, ExitInterrupted, stop(), "stopped as by SIGINT")
	assert.NotContains(t, stderr.String(), "file-token-xyz")
}

// TestMCPServeAllowRead: --allow-read grants execute_lua scripts fs.read
// below DIR, as kosmo run does; without it the read is refused.
func TestMCPServeAllowRead(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "note.txt"), []byte("granted"), 0o600))
	call := func(args ...string) map[string]any {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		in := strings.Join([]string{
			`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`,
			`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
			fmt.Sprintf(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"execute_lua","arguments":{"code":%q}}}`,
				fmt.Sprintf("return fs.read(%q)", filepath.Join(dir, "note.txt"))),
		}, "\n") + "\n"
		var out, errOut bytes.Buffer
		code := Main(ctx, append([]string{"mcp", "serve", "--fake"}, args...), Env{Stdin: strings.NewReader(in), Stdout: &out, Stderr: &errOut,
			Getenv: func(string) string { return "" }, HomeDir: t.TempDir(), WorkDir: t.TempDir()})
		require.Equal(t, ExitOK, code, errOut.String())
		sc := bufio.NewScanner(&out)
		for sc.Scan() {
			var m map[string]any
			require.NoError(t, json.Unmarshal(sc.Bytes(), &m))
			if m["id"] == 2.0 {
				return m["result"].(map[string]any)
			}
		}
		t.Fatalf("no answer: %s", out.String())
		return nil
	}
	res := call("--allow-read", dir)
	assert.NotEqual(t, true, res["isError"], "%v", res)
	assert.Equal(t, []any{"granted"}, res["structuredContent"].(map[string]any)["result"])
	res = call()
	assert.Equal(t, true, res["isError"])
	assert.Contains(t, fmt.Sprint(res["structuredContent"]), "--allow-read")
}

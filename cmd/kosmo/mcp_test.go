package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
)

// TestMCPServeOverStdio speaks newline-delimited JSON-RPC to `kosmo mcp serve`
// through injected streams, as an MCP client does over a pipe.
func TestMCPServeOverStdio(t *testing.T) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan int, 1)
	var errOut strings.Builder
	go func() {
		done <- Main(ctx, []string{"mcp", "serve", "--fake"}, Env{Stdin: inR, Stdout: outW, Stderr: &errOut,
			Getenv: func(string) string { return "" }, HomeDir: t.TempDir(), WorkDir: t.TempDir()})
		_ = outW.Close()
	}()
	lines := bufio.NewScanner(outR)
	lines.Buffer(make([]byte, 1<<20), 1<<24)
	send := func(msg string) { _, err := io.WriteString(inW, msg+"\n"); require.NoError(t, err) }
	recv := func() map[string]any {
		require.True(t, lines.Scan(), "a reply")
		var m map[string]any
		require.NoError(t, json.Unmarshal(lines.Bytes(), &m))
		return m
	}
	send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`)
	init := recv()
	assert.Equal(t, "kosmo", init["result"].(map[string]any)["serverInfo"].(map[string]any)["name"])
	send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	send(`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`)
	list := recv()
	tools := list["result"].(map[string]any)["tools"].([]any)
	assert.Len(t, tools, 9, "execute_lua, the doc tools and the read functions without --allow-write")
	send(`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"openai_list_models","arguments":{}}}`)
	call := recv()
	result := call["result"].(map[string]any)
	assert.NotEqual(t, true, result["isError"])
	assert.Equal(t, "list", result["structuredContent"].(map[string]any)["object"])
	require.NoError(t, inW.Close())
	select {
	case code := <-done:
		assert.Equal(t, 0, code, errOut.String())
	case <-ctx.Done():
		t.Fatal("the server did not stop at end of input")
	}
}

// mcpSession runs `kosmo args…` as an MCP server on pipes, initializes it,
// and returns a function making one tools/call with arguments (JSON) and
// giving its result; stop ends the input and returns the exit code.
func mcpSession(t *testing.T, vars map[string]string, args ...string) (call func(tool, arguments string) map[string]any, stop func() int) {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	done := make(chan int, 1)
	var errOut strings.Builder
	go func() {
		code := Main(ctx, args, Env{Stdin: inR, Stdout: outW, Stderr: &errOut,
			Getenv: func(k string) string { return vars[k] }, HomeDir: t.TempDir(), WorkDir: t.TempDir()})
		_ = inR.Close() // a server that stopped early fails the writes instead of blocking them
		_ = outW.Close()
		done <- code
	}()
	lines := bufio.NewScanner(outR)
	lines.Buffer(make([]byte, 1<<20), 1<<24)
	send := func(msg string) {
		if _, err := io.WriteString(inW, msg+"\n"); err != nil {
			code := <-done
			t.Fatalf("the server stopped (exit code %d): %s", code, errOut.String())
		}
	}
	recv := func() map[string]any {
		require.True(t, lines.Scan(), "a reply")
		var m map[string]any
		require.NoError(t, json.Unmarshal(lines.Bytes(), &m))
		return m
	}
	send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`)
	recv()
	send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	id := 1
	call = func(tool, arguments string) map[string]any {
		id++
		send(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":%q,"arguments":%s}}`, id, tool, arguments))
		reply := recv()
		require.Contains(t, reply, "result", "%v", reply)
		return reply["result"].(map[string]any)
	}
	stop = func() int {
		require.NoError(t, inW.Close())
		select {
		case code := <-done:
			return code
		case <-ctx.Done():
			t.Fatal("the server did not stop at end of input")
			return -1
		}
	}
	return call, stop
}

// TestMCPServeWithAMissingKey: the server starts when an account's key is
// missing; the calls through that account are tool errors naming it and the
// variable, the calls through the others work.
func TestMCPServeWithAMissingKey(t *testing.T) {
	fake := openaitest.NewServer()
	t.Cleanup(fake.Close)
	cfg := writeConfig(t, `integrations:
  openai:
    default: work
    accounts:
      work:
        api_key_env: OPENAI_WORK_KEY
        base_url: `+fake.BaseURL()+`
      good:
        api_key: `+openaitest.DefaultAPIKey+`
        base_url: `+fake.BaseURL()+`
`)
	call, stop := mcpSession(t, nil, "--config", cfg, "mcp", "serve")
	for _, args := range []string{`{}`, `{"account":"work"}`} {
		res := call("openai_list_models", args)
		assert.Equal(t, true, res["isError"], args)
		fields := res["structuredContent"].(map[string]any)
		assert.Equal(t, "credentials_error", fields["type"])
		assert.Equal(t, "openai_list_models (account work): environment variable OPENAI_WORK_KEY (api_key_env) is not set", fields["message"])
	}
	assert.Empty(t, fake.Requests(), "nothing was sent without a key")
	res := call("openai_list_models", `{"account":"good"}`)
	assert.NotEqual(t, true, res["isError"], "%v", res)
	assert.Equal(t, "list", res["structuredContent"].(map[string]any)["object"])
	assert.Equal(t, ExitOK, stop())
}

// TestMCPServeWithNoAccount: with no key and no config the server starts
// and each call says how to configure an account.
func TestMCPServeWithNoAccount(t *testing.T) {
	call, stop := mcpSession(t, nil, "mcp", "serve")
	res := call("openai_list_models", `{}`)
	assert.Equal(t, true, res["isError"])
	fields := res["structuredContent"].(map[string]any)
	assert.Equal(t, "credentials_error", fields["type"])
	assert.Equal(t, "openai_list_models (account default): no OpenAI account is configured: set OPENAI_API_KEY, or add accounts to the config file", fields["message"])
	assert.Equal(t, ExitOK, stop())
}

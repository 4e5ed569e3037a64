package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
	assert.Len(t, tools, 5, "read-only tools without --allow-write")
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

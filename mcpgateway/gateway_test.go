package mcpgateway_test

import (
	"context"
	"encoding/json"
	"sort"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo"
	"github.com/kosmo-run/kosmo/accounts"
	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
	"github.com/kosmo-run/kosmo/mcpgateway"
)

// connect serves a gateway in-process and returns a connected client session.
func connect(t *testing.T, allowWrite bool) (*mcp.ClientSession, *openaitest.Server, *openaitest.Server) {
	t.Helper()
	return connectWith(t, mcpgateway.Options{AllowWrite: allowWrite, Version: "test"})
}

// connectWith is connect with the gateway's options (Host is filled in).
func connectWith(t *testing.T, opts mcpgateway.Options) (*mcp.ClientSession, *openaitest.Server, *openaitest.Server) {
	t.Helper()
	a, b := openaitest.NewServer(), openaitest.NewServer()
	t.Cleanup(a.Close)
	t.Cleanup(b.Close)
	host := kosmo.New(kosmo.Options{Accounts: accounts.Config{"openai": {Default: "main", Accounts: []*integration.Account{
		{Name: "main", Key: integration.NewSecret(openaitest.DefaultAPIKey), BaseURL: a.BaseURL()},
		{Name: "work", Key: integration.NewSecret(openaitest.DefaultAPIKey), BaseURL: b.BaseURL()},
	}}}})
	opts.Host = host
	srv := mcpgateway.NewServer(opts)
	st, ct := mcp.NewInMemoryTransports()
	ctx := context.Background()
	ss, err := srv.Connect(ctx, st, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = ss.Close() })
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "1"}, nil).Connect(ctx, ct, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = cs.Close() })
	return cs, a, b
}

func toolNames(t *testing.T, cs *mcp.ClientSession) map[string]*mcp.Tool {
	res, err := cs.ListTools(context.Background(), nil)
	require.NoError(t, err)
	out := map[string]*mcp.Tool{}
	for _, tool := range res.Tools {
		out[tool.Name] = tool
	}
	return out
}

func TestReadOnlyByDefault(t *testing.T) {
	cs, _, _ := connect(t, false)
	tools := toolNames(t, cs)
	var names []string
	for n, tool := range tools {
		names = append(names, n)
		assert.True(t, tool.Annotations.ReadOnlyHint, n)
	}
	sort.Strings(names)
	assert.Equal(t, []string{"openai_get_run", "openai_list_assistants", "openai_list_files", "openai_list_models", "openai_list_thread_messages"}, names)
}

func TestAllowWriteListsAllWithSchemas(t *testing.T) {
	cs, _, _ := connect(t, true)
	tools := toolNames(t, cs)
	require.Len(t, tools, 15)
	tts := tools["openai_text_to_speech"]
	assert.False(t, tts.Annotations.ReadOnlyHint)
	data, err := json.Marshal(tts.InputSchema)
	require.NoError(t, err)
	var schema struct {
		Required   []string
		Properties map[string]struct {
			Type    string
			Enum    []string
			Maximum *float64
		}
	}
	require.NoError(t, json.Unmarshal(data, &schema))
	assert.Equal(t, []string{"model", "input", "voice"}, schema.Required)
	assert.Equal(t, 4.0, *schema.Properties["speed"].Maximum)
	assert.Contains(t, schema.Properties["voice"].Enum, "nova")
	assert.Equal(t, []string{"main", "work", "default"}, schema.Properties["account"].Enum)
}

func TestCallTool(t *testing.T) {
	cs, a, b := connect(t, true)
	ctx := context.Background()
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "openai_list_models"})
	require.NoError(t, err)
	require.False(t, res.IsError)
	text := res.Content[0].(*mcp.TextContent).Text
	var list struct{ Object string }
	require.NoError(t, json.Unmarshal([]byte(text), &list))
	assert.Equal(t, "list", list.Object)
	structured, ok := res.StructuredContent.(map[string]any)
	require.True(t, ok)
	assert.Equal(t, "list", structured["object"])
	assert.Len(t, a.Requests(), 1)

	res, err = cs.CallTool(ctx, &mcp.CallToolParams{Name: "openai_chat_completion", Arguments: map[string]any{
		"account": "work", "model": "gpt-4o-mini", "messages": []any{map[string]any{"role": "user", "content": "Hi"}},
	}})
	require.NoError(t, err)
	require.False(t, res.IsError, "%v", res.Content)
	assert.Contains(t, res.Content[0].(*mcp.TextContent).Text, "This is a fake reply to: Hi")
	assert.Len(t, b.Requests(), 1, "the work account's server")
}

func TestToolErrors(t *testing.T) {
	cs, a, _ := connect(t, true)
	ctx := context.Background()
	tests := []struct {
		name string
		args map[string]any
		want string
		typ  string
	}{
		{"openai_text_to_speech", map[string]any{"model": "tts-1", "input": "x", "voice": "robot"}, "parameter 'voice'", "validation_error"},
		{"openai_get_run", map[string]any{"thread_id": "thread_x", "run_id": "run_y"}, "HTTP 404", "invalid_request_error"},
		{"openai_list_models", map[string]any{"account": "nobody"}, `no account "nobody"`, ""},
		{"openai_list_models", map[string]any{"account": 3}, "string expected", ""},
	}
	for _, tt := range tests {
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: tt.name, Arguments: tt.args})
		require.NoError(t, err)
		assert.True(t, res.IsError, tt.name)
		assert.Contains(t, res.Content[0].(*mcp.TextContent).Text, tt.want)
		if tt.typ != "" {
			assert.Equal(t, tt.typ, res.StructuredContent.(map[string]any)["type"])
		}
	}
	assert.Len(t, a.Requests(), 1, "only the get_run reached the API")
}

// TestCallTimeout: a tool call against a server that never answers ends at
// the gateway's limit per call, as a tool error that says so.
func TestCallTimeout(t *testing.T) {
	cs, a, _ := connectWith(t, mcpgateway.Options{CallTimeout: 200 * time.Millisecond})
	a.InjectFault(openaitest.Fault{Path: "/v1/models", Delay: time.Minute})
	start := time.Now()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "openai_list_models", Arguments: map[string]any{}})
	require.NoError(t, err)
	assert.True(t, res.IsError)
	assert.Contains(t, res.Content[0].(*mcp.TextContent).Text, "openai_list_models: the time limit per call was reached (200ms; kosmo mcp serve --timeout)")
	assert.Less(t, time.Since(start), 30*time.Second, "a minute-long answer was not waited for")
}

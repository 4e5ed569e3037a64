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
	a, b := twoFakes(t)
	opts.Host = twoAccountHost(a, b, nil)
	return connectClient(t, mcpgateway.NewServer(opts), nil), a, b
}

// twoFakes starts two fake OpenAI servers, one per account.
func twoFakes(t *testing.T) (*openaitest.Server, *openaitest.Server) {
	a, b := openaitest.NewServer(), openaitest.NewServer()
	t.Cleanup(a.Close)
	t.Cleanup(b.Close)
	return a, b
}

// twoAccountHost is a host with the accounts main (the default, on a) and
// work (on b); adjust, when set, changes its options first.
func twoAccountHost(a, b *openaitest.Server, adjust func(*kosmo.Options)) *kosmo.Host {
	opts := kosmo.Options{Accounts: accounts.Config{"openai": {Default: "main", Accounts: []*integration.Account{
		{Name: "main", Key: integration.NewSecret(openaitest.DefaultAPIKey), BaseURL: a.BaseURL()},
		{Name: "work", Key: integration.NewSecret(openaitest.DefaultAPIKey), BaseURL: b.BaseURL()},
	}}}}
	if adjust != nil {
		adjust(&opts)
	}
	return kosmo.New(opts)
}

// connectClient connects an in-process client to srv.
func connectClient(t *testing.T, srv *mcp.Server, copts *mcp.ClientOptions) *mcp.ClientSession {
	t.Helper()
	st, ct := mcp.NewInMemoryTransports()
	ctx := context.Background()
	ss, err := srv.Connect(ctx, st, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = ss.Close() })
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "1"}, copts).Connect(ctx, ct, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = cs.Close() })
	return cs
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
	assert.Equal(t, []string{"execute_lua", "lua_list_docs", "lua_read_doc", "lua_search_docs",
		"openai_get_run", "openai_list_assistants", "openai_list_files", "openai_list_models", "openai_list_thread_messages"}, names)
	assert.Equal(t, names, mcpgateway.ToolNames(mcpgateway.Options{Host: kosmo.New(kosmo.Options{})}))
}

func TestToolSets(t *testing.T) {
	for _, tt := range []struct {
		tools mcpgateway.ToolSet
		n     int
	}{{mcpgateway.ToolsCode, 4}, {mcpgateway.ToolsFunctions, 15}, {mcpgateway.ToolsAll, 19}, {"", 19}} {
		cs, _, _ := connectWith(t, mcpgateway.Options{AllowWrite: true, Tools: tt.tools})
		assert.Len(t, toolNames(t, cs), tt.n, tt.tools)
	}
	for _, s := range []string{"code", "functions", "all", ""} {
		_, err := mcpgateway.ParseToolSet(s)
		assert.NoError(t, err, s)
	}
	_, err := mcpgateway.ParseToolSet("lua")
	assert.ErrorContains(t, err, "unknown tool set")
}

// TestHiddenTools: a tool this server could offer but does not answers
// with the flag that offers it, not "unknown tool".
func TestHiddenTools(t *testing.T) {
	cs, a, _ := connect(t, false)
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "openai_chat_completion", Arguments: map[string]any{"model": "gpt-4.1-nano"}})
	require.NoError(t, err)
	assert.True(t, res.IsError)
	assert.Equal(t, "openai_chat_completion is a write function of OpenAI that this server does not offer: kosmo mcp serve offers it with --allow-write", res.Content[0].(*mcp.TextContent).Text)
	assert.Equal(t, "policy_error", res.StructuredContent.(map[string]any)["type"])
	assert.Empty(t, a.Requests())

	cs, _, _ = connectWith(t, mcpgateway.Options{Tools: mcpgateway.ToolsCode})
	res, err = cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "openai_list_models"})
	require.NoError(t, err)
	assert.True(t, res.IsError)
	assert.Contains(t, res.Content[0].(*mcp.TextContent).Text, "offers it with --tools functions (or all)")

	cs, _, _ = connectWith(t, mcpgateway.Options{Tools: mcpgateway.ToolsFunctions})
	res, err = cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "execute_lua", Arguments: map[string]any{"code": "return 1"}})
	require.NoError(t, err)
	assert.True(t, res.IsError)
	assert.Contains(t, res.Content[0].(*mcp.TextContent).Text, "--tools code")

	_, err = cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "no_such_tool"})
	assert.ErrorContains(t, err, "unknown tool", "a tool kosmo does not have at all")
}

func TestAllowWriteListsAllWithSchemas(t *testing.T) {
	cs, _, _ := connect(t, true)
	tools := toolNames(t, cs)
	require.Len(t, tools, 19)
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
			AnyOf   []struct{ Enum []string }
		}
	}
	require.NoError(t, json.Unmarshal(data, &schema))
	assert.Equal(t, []string{"model", "input", "voice"}, schema.Required)
	assert.Equal(t, 4.0, *schema.Properties["speed"].Maximum)
	require.NotEmpty(t, schema.Properties["voice"].AnyOf) // a built-in voice or a custom voice object
	assert.Contains(t, schema.Properties["voice"].AnyOf[0].Enum, "nova")
	assert.Equal(t, []string{"main", "work"}, schema.Properties["account"].Enum, "each configured name once")
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
		"account": "work", "model": "gpt-4.1-nano", "messages": []any{map[string]any{"role": "user", "content": "Hi"}},
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
		{"openai_list_models", map[string]any{"account": "nobody"}, `no account "nobody"`, "unknown_account"},
		{"openai_list_models", map[string]any{"account": 3}, "string expected", "usage_error"},
	}
	for _, tt := range tests {
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: tt.name, Arguments: tt.args})
		require.NoError(t, err)
		assert.True(t, res.IsError, tt.name)
		assert.Contains(t, res.Content[0].(*mcp.TextContent).Text, tt.want)
		fields := res.StructuredContent.(map[string]any)
		assert.Equal(t, tt.typ, fields["type"])
		assert.Equal(t, tt.name, fields["function"])
		assert.Equal(t, res.Content[0].(*mcp.TextContent).Text, fields["message"])
		assert.Contains(t, fields, "retryable")
	}
	assert.Len(t, a.Requests(), 1, "only the get_run reached the API")

	// the same fields as the Lua error table of the same mistake
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "openai_list_models", Arguments: map[string]any{"account": "nobody"}})
	require.NoError(t, err)
	fields := res.StructuredContent.(map[string]any)
	assert.Equal(t, map[string]any{"type": "unknown_account", "function": "openai_list_models", "account": "nobody", "retryable": false,
		"message": `openai_list_models: unknown account: openai has no account "nobody" (accounts: main, work)`}, fields)
	res, err = cs.CallTool(ctx, &mcp.CallToolParams{Name: "execute_lua", Arguments: map[string]any{"code": "return app.integrations.openai.nobody.openai_list_models()"}})
	require.NoError(t, err)
	luaErr := res.StructuredContent.(map[string]any)["error"].(map[string]any)
	assert.Equal(t, "unknown_account", luaErr["type"])
	assert.Equal(t, "nobody", luaErr["account"])
}

// TestImagesAndSpeechAsMedia: images and speech come back as MCP image and
// audio content; the text says where they went instead of holding them.
func TestImagesAndSpeechAsMedia(t *testing.T) {
	// OpenAI shuts its speech models down on 2027-01-06: the fakes run on
	// the day before, when tts-1 still speaks.
	t.Setenv(openaitest.DateEnv, "2027-01-05")
	cs, _, _ := connect(t, true)
	ctx := context.Background()
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "openai_text_to_speech", Arguments: map[string]any{
		"model": "tts-1", "input": "Hello there, this is a longer sentence.", "voice": "nova", "response_format": "wav"}})
	require.NoError(t, err)
	require.False(t, res.IsError, "%v", res.Content)
	require.Len(t, res.Content, 2)
	audio, ok := res.Content[1].(*mcp.AudioContent)
	require.True(t, ok, "%T", res.Content[1])
	assert.Equal(t, "audio/wav", audio.MIMEType)
	assert.Greater(t, len(audio.Data), 1000)
	text := res.Content[0].(*mcp.TextContent).Text
	assert.Less(t, len(text), 1000, text)
	assert.Contains(t, text, "returned as audio content 2 of this answer")
	assert.NotContains(t, res.StructuredContent.(map[string]any)["audio_base64"], "UklGR")

	res, err = cs.CallTool(ctx, &mcp.CallToolParams{Name: "openai_create_image", Arguments: map[string]any{
		"prompt": "a red fox", "model": "gpt-image-2", "n": 2, "size": "256x256"}})
	require.NoError(t, err)
	require.False(t, res.IsError, "%v", res.Content)
	require.Len(t, res.Content, 3)
	for _, c := range res.Content[1:] {
		img, ok := c.(*mcp.ImageContent)
		require.True(t, ok, "%T", c)
		assert.Equal(t, "image/png", img.MIMEType)
	}
	text = res.Content[0].(*mcp.TextContent).Text
	assert.Less(t, len(text), 1000, text)
	assert.Contains(t, text, "returned as image content 3 of this answer")
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

package mcpgateway_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo"
	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
	"github.com/kosmo-run/kosmo/mcpgateway"
)

// execute runs code through execute_lua with extra arguments and returns
// the text, the structured answer and whether it is an error.
func execute(t *testing.T, cs *mcp.ClientSession, code string, extra map[string]any) (string, mcpgateway.Answer, bool) {
	t.Helper()
	args := map[string]any{"code": code}
	for k, v := range extra {
		args[k] = v
	}
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "execute_lua", Arguments: args})
	require.NoError(t, err)
	return answerOf(t, res)
}

func answerOf(t *testing.T, res *mcp.CallToolResult) (string, mcpgateway.Answer, bool) {
	t.Helper()
	var a mcpgateway.Answer
	data, err := json.Marshal(res.StructuredContent)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &a), string(data))
	return res.Content[0].(*mcp.TextContent).Text, a, res.IsError
}

func TestExecuteLuaTwoAccounts(t *testing.T) {
	cs, a, b := connect(t, true)
	text, ans, isErr := execute(t, cs, `
local models = app.integrations.openai.openai_list_models()
print("models:", #models.data)
local r = app.integrations.openai.work.openai_chat_completion({ model = "gpt-4.1-nano",
  messages = { { role = "user", content = "Hi" } } })
return { models = #models.data, reply = r.choices[1].message.content }, "second"`, nil)
	require.False(t, isErr, text)
	assert.True(t, ans.OK)
	require.Len(t, ans.Result, 2)
	first := ans.Result[0].(map[string]any)
	assert.Contains(t, first["reply"], "This is a fake reply to: Hi")
	assert.Greater(t, first["models"], 3.0)
	assert.Equal(t, "second", ans.Result[1])
	assert.True(t, strings.HasPrefix(ans.Output, "models:\t"), ans.Output)
	require.Len(t, ans.Calls, 2)
	assert.Equal(t, "openai_list_models", ans.Calls[0].Function)
	assert.Equal(t, "main", ans.Calls[0].Account)
	assert.Equal(t, 200, ans.Calls[0].Status)
	assert.Equal(t, 1, ans.Calls[0].Attempts)
	assert.Equal(t, "openai_chat_completion", ans.Calls[1].Function)
	assert.Equal(t, "work", ans.Calls[1].Account)
	assert.Len(t, a.Requests(), 1)
	assert.Len(t, b.Requests(), 1)
	for _, want := range []string{"ok: the script finished in", "(2 calls)", "## output\nmodels:", "## result (JSON)\n[{",
		"## calls\n1. openai_list_models (account main): HTTP 200, 1 attempt(s)", "2. openai_chat_completion (account work): HTTP 200"} {
		assert.Contains(t, text, want)
	}
	assert.True(t, ans.Limits.ReadOnly == false)
}

func TestExecuteLuaValidationError(t *testing.T) {
	cs, a, _ := connect(t, true)
	text, ans, isErr := execute(t, cs, `print("before")
return app.integrations.openai.openai_text_to_speech({ model = "tts-1", input = "x", voice = "robot" })`, nil)
	assert.True(t, isErr)
	assert.False(t, ans.OK)
	assert.Equal(t, "validation_error", ans.Error["type"])
	assert.Equal(t, "voice", ans.Error["param"])
	assert.Equal(t, "openai_text_to_speech", ans.Error["function"])
	assert.Contains(t, ans.Error["message"], "parameter 'voice'")
	assert.Equal(t, "before\n", ans.Output, "print output survives the failure")
	assert.Contains(t, text, "error: the script failed")
	assert.Contains(t, text, `"type":"validation_error"`)
	assert.Contains(t, text, "## output\nbefore\n")
	assert.Empty(t, a.Requests())
}

func TestExecuteLuaErrors(t *testing.T) {
	cs, _, _ := connect(t, true)
	_, ans, isErr := execute(t, cs, `return 1 +`, nil)
	assert.True(t, isErr)
	assert.Equal(t, "script_error", ans.Error["type"])
	_, ans, _ = execute(t, cs, `error("boom")`, nil)
	assert.Equal(t, "script_error", ans.Error["type"])
	assert.Contains(t, ans.Error["message"], "boom")
	_, ans, _ = execute(t, cs, `return os.getenv("HOME")`, nil)
	assert.Contains(t, ans.Error["message"], "os.getenv is not available in the sandbox")

	for _, args := range []map[string]any{{}, {"code": 3}, {"code": "return 1", "timeout": -1}, {"code": "return 1", "memory_limit": 1}, {"code": "return 1", "extra": 1}} {
		res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "execute_lua", Arguments: args})
		require.NoError(t, err)
		assert.True(t, res.IsError, "%v", args)
		assert.Equal(t, "usage_error", res.StructuredContent.(map[string]any)["type"], "%v", args)
	}
}

func TestExecuteLuaReadOnly(t *testing.T) {
	cs, a, _ := connect(t, false)
	text, ans, isErr := execute(t, cs, `return app.integrations.openai.openai_chat_completion({ model = "gpt-4.1-nano", messages = { { role = "user", content = "Hi" } } })`, nil)
	assert.True(t, isErr)
	assert.Equal(t, "policy_error", ans.Error["type"])
	assert.Contains(t, ans.Error["hint"], "--allow-write")
	assert.Contains(t, text, "hint: this server runs scripts read-only; kosmo mcp serve --allow-write allows write functions")
	assert.True(t, ans.Limits.ReadOnly)
	assert.Empty(t, a.Requests(), "nothing was sent")
	_, ans, isErr = execute(t, cs, `return #app.integrations.openai.openai_list_models().data`, nil)
	assert.False(t, isErr)
	assert.Greater(t, ans.Result[0], 3.0)
}

// TestExecuteLuaTimeout: an endless loop stops at the timeout the agent
// gave; a timeout above the server's is lowered to it.
func TestExecuteLuaTimeout(t *testing.T) {
	cs, _, _ := connectWith(t, mcpgateway.Options{CallTimeout: 3 * time.Second})
	start := time.Now()
	text, ans, isErr := execute(t, cs, `print("spinning") while true do end`, map[string]any{"timeout": 0.5})
	assert.True(t, isErr)
	assert.Less(t, time.Since(start), 2500*time.Millisecond)
	assert.Equal(t, "timeout", ans.Error["type"])
	assert.Contains(t, text, "stopped at its time limit of 500ms")
	assert.Equal(t, 0.5, ans.Limits.TimeoutSeconds)
	assert.Equal(t, "spinning\n", ans.Output)

	_, ans, _ = execute(t, cs, `return 1`, map[string]any{"timeout": 3600})
	assert.Equal(t, 3.0, ans.Limits.TimeoutSeconds, "never above the server's")
	start = time.Now()
	_, ans, _ = execute(t, cs, `while true do end`, map[string]any{"timeout": 3600})
	assert.Equal(t, "timeout", ans.Error["type"])
	assert.Less(t, time.Since(start), 6*time.Second)
}

func TestExecuteLuaMemoryLimitNeverAboveServer(t *testing.T) {
	cs, _, _ := connectWith(t, mcpgateway.Options{MaxMemory: 512 << 20})
	_, ans, _ := execute(t, cs, `return 1`, map[string]any{"memory_limit": 4096})
	assert.Equal(t, int64(512), ans.Limits.MemoryMiB)
	_, ans, _ = execute(t, cs, `return 1`, map[string]any{"memory_limit": 128})
	assert.Equal(t, int64(128), ans.Limits.MemoryMiB)
	_, ans, _ = execute(t, cs, `return 1`, nil)
	assert.Equal(t, int64(512), ans.Limits.MemoryMiB)
}

func TestExecuteLuaOutputCap(t *testing.T) {
	cs, _, _ := connectWith(t, mcpgateway.Options{MaxOutput: 100})
	text, ans, isErr := execute(t, cs, `for i = 1, 100 do print("line " .. i) end error("late")`, nil)
	assert.True(t, isErr)
	assert.LessOrEqual(t, len(ans.Output), 100)
	assert.True(t, strings.HasPrefix(ans.Output, "line 1\nline 2\n"))
	assert.Greater(t, ans.OutputTruncated, 500)
	assert.Contains(t, text, "[… output truncated: ")
	assert.Contains(t, ans.Error["message"], "late")
}

// TestExecuteLuaCancel: a client that cancels its call stops the script
// and the HTTP call it is waiting for.
func TestExecuteLuaCancel(t *testing.T) {
	a, b := twoFakes(t)
	calls := make(chan kosmo.Call, 4)
	host := twoAccountHost(a, b, func(o *kosmo.Options) { o.OnCall = func(c kosmo.Call) { calls <- c } })
	cs := connectClient(t, mcpgateway.NewServer(mcpgateway.Options{Host: host}), nil)
	a.InjectFault(openaitest.Fault{Path: "/v1/models", Delay: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "execute_lua", Arguments: map[string]any{"code": `return app.integrations.openai.openai_list_models()`}})
		done <- err
	}()
	require.Eventually(t, func() bool { return len(a.Requests()) > 0 }, 10*time.Second, 10*time.Millisecond)
	cancel()
	require.Error(t, <-done)
	select {
	case c := <-calls:
		require.Error(t, c.Err)
		assert.Contains(t, c.Err.Error(), "cancel")
	case <-time.After(10 * time.Second):
		t.Fatal("the script's HTTP call was not stopped")
	}
	_, ans, isErr := execute(t, cs, `return 2`, nil)
	assert.False(t, isErr)
	assert.Equal(t, []any{2.0}, ans.Result)
}

// TestExecuteLuaProgress: a client that asks for progress hears of each
// call the script made.
func TestExecuteLuaProgress(t *testing.T) {
	var (
		mu   sync.Mutex
		msgs []string
	)
	a, b := twoFakes(t)
	cs := connectClient(t, mcpgateway.NewServer(mcpgateway.Options{Host: twoAccountHost(a, b, nil)}), &mcp.ClientOptions{
		ProgressNotificationHandler: func(_ context.Context, req *mcp.ProgressNotificationClientRequest) {
			mu.Lock()
			defer mu.Unlock()
			msgs = append(msgs, req.Params.Message)
		},
	})
	params := &mcp.CallToolParams{Name: "execute_lua", Arguments: map[string]any{"code": `
app.integrations.openai.openai_list_models()
app.integrations.openai.work.openai_list_models()
return 1`}}
	params.SetProgressToken("p1")
	res, err := cs.CallTool(context.Background(), params)
	require.NoError(t, err)
	require.False(t, res.IsError)
	require.Eventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(msgs) == 2 }, 5*time.Second, 10*time.Millisecond)
	assert.Contains(t, msgs[0], "1 call(s) made; the last: openai_list_models (account main): HTTP 200")
	assert.Contains(t, msgs[1], "2 call(s) made; the last: openai_list_models (account work)")
}

func TestExecuteLuaReturnsImages(t *testing.T) {
	cs, _, _ := connect(t, true)
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "execute_lua", Arguments: map[string]any{"code": `
return app.integrations.openai.openai_create_image({ model = "gpt-image-2", prompt = "a fox", size = "256x256" })`}})
	require.NoError(t, err)
	require.False(t, res.IsError)
	require.Len(t, res.Content, 2)
	_, ok := res.Content[1].(*mcp.ImageContent)
	assert.True(t, ok)
	assert.Less(t, len(res.Content[0].(*mcp.TextContent).Text), 2000)
}

func TestDocTools(t *testing.T) {
	cs, _, _ := connect(t, false)
	host := kosmo.New(kosmo.Options{})
	ctx := context.Background()
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "lua_read_doc", Arguments: map[string]any{"page": "create_image"}})
	require.NoError(t, err)
	want, err := host.ReadDoc("integrations.openai.openai_create_image")
	require.NoError(t, err)
	assert.Equal(t, want, res.Content[0].(*mcp.TextContent).Text)

	res, err = cs.CallTool(ctx, &mcp.CallToolParams{Name: "lua_read_doc", Arguments: map[string]any{"page": "create_imag"}})
	require.NoError(t, err)
	assert.True(t, res.IsError)
	assert.Contains(t, res.Content[0].(*mcp.TextContent).Text, `did you mean "integrations.openai.openai_create_image"`)

	res, err = cs.CallTool(ctx, &mcp.CallToolParams{Name: "lua_list_docs"})
	require.NoError(t, err)
	_, luaList, _ := execute(t, cs, `return json.encode(lua_list_docs())`, nil)
	assert.JSONEq(t, luaList.Result[0].(string), res.Content[0].(*mcp.TextContent).Text)

	res, err = cs.CallTool(ctx, &mcp.CallToolParams{Name: "lua_search_docs", Arguments: map[string]any{"query": "transcribe"}})
	require.NoError(t, err)
	_, luaSearch, _ := execute(t, cs, `return json.encode(lua_search_docs("transcribe"))`, nil)
	assert.JSONEq(t, luaSearch.Result[0].(string), res.Content[0].(*mcp.TextContent).Text)
	matches := res.StructuredContent.(map[string]any)["matches"].([]any)
	assert.Equal(t, "integrations.openai.openai_transcribe_audio", matches[0].(map[string]any)["page"])

	res, err = cs.CallTool(ctx, &mcp.CallToolParams{Name: "lua_search_docs", Arguments: map[string]any{"query": "zzzz"}})
	require.NoError(t, err)
	assert.Equal(t, "[]", res.Content[0].(*mcp.TextContent).Text)
}

package luabridge_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai"
	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
	"github.com/kosmo-run/kosmo/luabridge"
)

func run(t *testing.T, h *harness, src string) ([]any, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return h.vm.Run(ctx, "test.lua", src)
}

func TestReadDocIsTheReferenceByteForByte(t *testing.T) {
	want, err := os.ReadFile("../testdata/golden/integrations.openai.md")
	require.NoError(t, err)
	h := newHarness(t, nil)
	res, err := run(t, h, `return lua_read_doc("integrations.openai")`)
	require.NoError(t, err)
	assert.Equal(t, string(want), res[0])
}

func TestPolicies(t *testing.T) {
	const write = `return app.integrations.openai.openai_create_thread{ messages = { { role = "user", content = "x" } } }`
	const read = `return #app.integrations.openai.openai_list_models().data`
	tests := []struct {
		name    string
		mutate  func(*luabridge.Options)
		src     string
		wantErr string
		errType string
		sent    int
	}{
		{"read-only refuses writes", func(o *luabridge.Options) { o.ReadOnly = true }, write, "refused: this is a write operation and the script runs read-only", "policy_error", 0},
		{"read-only allows reads", func(o *luabridge.Options) { o.ReadOnly = true }, read, "", "", 1},
		{"read-only account", func(o *luabridge.Options) { o.Accounts["openai"].Accounts[0].ReadOnly = true }, write, "account 'personal' is read-only", "policy_error", 0},
		{"other account still writes", func(o *luabridge.Options) { o.Accounts["openai"].Accounts[0].ReadOnly = true },
			`return app.integrations.openai.work.openai_create_assistant{ model = "gpt-4.1-nano" }.id`, "", "", 0},
		{"dry-run sends no write", func(o *luabridge.Options) { o.DryRun = true },
			`local r = app.integrations.openai.openai_create_thread{ messages = { { role = "user", content = "x" } } }
			 assert(r.dry_run and r.method == "POST" and r.body.items[1].content == "x" and r.url:find("/v1/conversations", 1, true))
			 assert(#r.requests == 1 and r.requests[1].url == r.url)
			 assert(r.operation == "write" and r.account == "personal")
			 for k, v in pairs(r) do assert(not tostring(v):find("sk-", 1, true), k) end`, "", "", 0},
		{"dry-run still validates", func(o *luabridge.Options) { o.DryRun = true }, `app.integrations.openai.openai_create_assistant{ modle = "x" }`, "did you mean 'model'?", "validation_error", 0},
		{"dry-run sends reads", func(o *luabridge.Options) { o.DryRun = true }, read, "", "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.mutate)
			_, err := run(t, h, tt.src)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				var se *luabridge.ScriptError
				require.ErrorAs(t, err, &se)
				assert.Equal(t, tt.errType, se.Fields["type"], "the error table says why")
			} else {
				require.NoError(t, err)
			}
			assert.Len(t, h.a.Requests(), tt.sent)
		})
	}
}

func TestRetriesAndStructuredErrors(t *testing.T) {
	h := newHarness(t, nil)
	h.a.InjectFault(openaitest.Fault{Path: "/v1/models", Times: 2, Status: 503, Header: map[string]string{"Retry-After": "0"},
		Body: `{"error":{"message":"overloaded","type":"server_error","param":null,"code":null}}`})
	res, err := run(t, h, `return #app.integrations.openai.openai_list_models().data`)
	require.NoError(t, err)
	assert.Greater(t, res[0], 3.0)
	assert.Len(t, h.a.Requests(), 3, "two retries, then success")

	h.a.InjectFault(openaitest.Fault{Path: "/v1/models", Status: 500, Body: `{"error":{"message":"boom","type":"server_error","param":null,"code":"internal"}}`})
	res, err = run(t, h, `local ok, e = pcall(app.integrations.openai.openai_list_models)
		return e.status, e.type, e.code, e.retryable, e.attempts, e.message`)
	require.NoError(t, err)
	assert.Equal(t, []any{500.0, "server_error", "internal", true, 3.0, "openai_list_models (account personal): HTTP 500 internal: boom (after 3 attempts)"}, res)
}

// An account that keeps the Assistants API (assistants: native) on a server
// that has shut it down gets the server's answer as an ordinary error.
func TestNativeAssistantsShutdownIsAClearError(t *testing.T) {
	h := newHarnessMode(t, openai.AssistantsNative, nil)
	h.a.InjectFault(openaitest.Fault{Path: "/v1/assistants", Status: 410,
		Body: `{"error":{"message":"The Assistants API has been shut down.","type":"invalid_request_error","param":null,"code":"gone"}}`})
	_, err := run(t, h, `app.integrations.openai.openai_create_assistant{ model = "gpt-4.1-nano" }`)
	require.Error(t, err)
	assert.Equal(t, "test.lua:1: openai_create_assistant (account personal): HTTP 410 gone: The Assistants API has been shut down.", err.Error())
}

func TestMalformedResponseIsAnError(t *testing.T) {
	h := newHarness(t, nil)
	h.a.InjectFault(openaitest.Fault{Path: "/v1/models", Status: 200, Body: `{"object": "list", "data": [`})
	_, err := run(t, h, `app.integrations.openai.openai_list_models()`)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the response is not valid JSON")
}

func TestContextStopsScriptAndCall(t *testing.T) {
	h := newHarness(t, nil)
	h.a.InjectFault(openaitest.Fault{Path: "/v1/models", Delay: time.Minute})
	ctx, cancel := context.WithTimeoutCause(context.Background(), 150*time.Millisecond, errStop)
	defer cancel()
	start := time.Now()
	_, err := h.vm.Run(ctx, "t.lua", `local ok = pcall(app.integrations.openai.openai_list_models); while true do end`)
	require.ErrorIs(t, err, errStop, "pcall cannot swallow the stop")
	assert.Less(t, time.Since(start), 5*time.Second)
}

var errStop = context.DeadlineExceeded

func TestReturnValuesAndOutput(t *testing.T) {
	h := newHarness(t, nil)
	res, err := run(t, h, `print("a", 1, nil, true); return 1, "two", {3, 4}, {k = json.null}`)
	require.NoError(t, err)
	assert.Equal(t, "a\t1\tnil\ttrue\n", h.out.String())
	assert.Equal(t, []any{1.0, "two", []any{3.0, 4.0}, map[string]any{"k": nil}}, res)
}

func TestCallRecords(t *testing.T) {
	var calls []luabridge.CallRecord
	h := newHarness(t, func(o *luabridge.Options) { o.OnCall = func(c luabridge.CallRecord) { calls = append(calls, c) } })
	_, err := run(t, h, `app.integrations.openai.work.openai_list_models(); pcall(app.integrations.openai.openai_get_run, {thread_id = "x", run_id = "y"})`)
	require.NoError(t, err)
	require.Len(t, calls, 2)
	assert.Equal(t, "openai_list_models", calls[0].Function)
	assert.Equal(t, "work", calls[0].Account)
	assert.Equal(t, integration.Read, calls[0].Operation)
	assert.Equal(t, 200, calls[0].Status)
	assert.NotEmpty(t, calls[0].RequestID)
	assert.Equal(t, 404, calls[1].Status)
	assert.Error(t, calls[1].Err)
}

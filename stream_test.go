package kosmo_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo"
	"github.com/kosmo-run/kosmo/accounts"
	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
	"github.com/kosmo-run/kosmo/luabridge"
)

// lineWatcher is a script's standard output that calls on for each line
// as it is printed, while the script runs.
type lineWatcher struct {
	mu   sync.Mutex
	buf  string
	on   func(line string)
	seen []string
}

func (w *lineWatcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.buf += string(p)
	var lines []string
	for {
		i := strings.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		lines = append(lines, w.buf[:i])
		w.buf = w.buf[i+1:]
	}
	w.seen = append(w.seen, lines...)
	w.mu.Unlock()
	for _, l := range lines {
		w.on(l)
	}
	return len(p), nil
}

// streamBound bounds each streaming test: far above what a stream of the
// fake takes, so that only a stream that never reaches the script (held by
// the fake until the script has seen a chunk) fails by it.
const streamBound = 30 * time.Second

// TestStreamChunksReachTheScriptBeforeTheCallReturns: the fake holds the
// stream after two chunks until the script has printed what its callback
// got; a host that gave the chunks only at the end would never get there.
func TestStreamChunksReachTheScriptBeforeTheCallReturns(t *testing.T) {
	hold := make(chan struct{})
	var once sync.Once
	out := &lineWatcher{on: func(line string) {
		if strings.HasPrefix(line, "chunk 2") {
			once.Do(func() { close(hold) })
		}
	}}
	host, fake := fakeHost(t, kosmo.Options{Stdout: out})
	fake.Handler().InjectStreamFault(openaitest.StreamFault{After: 2, Hold: hold})
	ctx, cancel := context.WithTimeout(context.Background(), streamBound)
	defer cancel()
	res, err := host.Run(ctx, "stream.lua", `
		local openai = app.integrations.openai
		local n, deltas = 0, {}
		local r = openai.openai_chat_completion{
			model = "gpt-5.1", messages = { { role = "user", content = "Tell me about streams" } },
			stream = true, stream_options = { include_usage = true },
			on_chunk = function(chunk)
				n = n + 1
				local c = chunk.choices[1]
				local piece = c and c.delta.content or ""
				table.insert(deltas, piece)
				print("chunk " .. n .. " " .. chunk.object)
			end,
		}
		print("returned")
		local plain = openai.openai_chat_completion{
			model = "gpt-5.1", messages = { { role = "user", content = "Tell me about streams" } } }
		return r.object, r.choices[1].message.content, table.concat(deltas), plain.choices[1].message.content,
			r.choices[1].finish_reason, r.usage.total_tokens, plain.usage.total_tokens, n`)
	require.NoError(t, err)
	v := res.Values
	assert.Equal(t, "chat.completion", v[0], "the call returns the non-streamed shape")
	assert.Equal(t, v[3], v[1], "the assembled content is the non-streamed answer")
	assert.Equal(t, v[1], v[2], "the deltas the callback saw make the content")
	assert.Equal(t, "stop", v[4])
	assert.Equal(t, v[6], v[5], "usage came with include_usage")
	chunks := int(v[7].(float64))
	assert.Greater(t, chunks, 3)
	lines := strings.Split(strings.TrimSpace(res.Output), "\n")
	require.Len(t, lines, chunks+1)
	assert.Equal(t, "chunk 1 chat.completion.chunk", lines[0])
	assert.Equal(t, "returned", lines[chunks])
	require.Len(t, fake.Requests(), 2)
}

// TestStreamWithoutCallback: stream = true alone is a whole completion,
// assembled from the stream.
func TestStreamWithoutCallback(t *testing.T) {
	host, fake := fakeHost(t, kosmo.Options{})
	res, err := host.Run(context.Background(), "s.lua", `
		local r = app.integrations.openai.openai_chat_completion{ model = "gpt-4.1-nano", stream = true,
			messages = { { role = "user", content = "hello" } } }
		return r.choices[1].message.content, r.usage`)
	require.NoError(t, err)
	assert.Contains(t, res.Values[0], "hello")
	assert.Nil(t, res.Values[1], "no usage without stream_options.include_usage")
	require.Len(t, fake.Requests(), 1)
	assert.Contains(t, string(fake.Requests()[0].Body), `"stream":true`)
}

// TestStreamAssemblesToolCalls: a tool call streamed in pieces comes back
// whole, as a non-streamed answer carries it.
func TestStreamAssemblesToolCalls(t *testing.T) {
	host, _ := fakeHost(t, kosmo.Options{})
	res, err := host.Run(context.Background(), "s.lua", `
		local tools = { { type = "function", ["function"] = { name = "get_weather",
			parameters = { type = "object", properties = { city = { type = "string" } }, required = { "city" } } } } }
		local msgs = { { role = "user", content = "Weather in Paris? Use get_weather." } }
		local pieces = 0
		local r = app.integrations.openai.openai_chat_completion{ model = "gpt-5.1", messages = msgs, tools = tools,
			stream = true, on_chunk = function(chunk)
				local d = chunk.choices[1] and chunk.choices[1].delta
				if d and d.tool_calls then pieces = pieces + 1 end
			end }
		local plain = app.integrations.openai.openai_chat_completion{ model = "gpt-5.1", messages = msgs, tools = tools }
		local a, b = r.choices[1].message.tool_calls[1], plain.choices[1].message.tool_calls[1]
		return r.choices[1].finish_reason, r.choices[1].message.content == nil, a["function"].name,
			a["function"].arguments, b["function"].arguments, a.type, a.id ~= nil and a.id ~= "", pieces`)
	require.NoError(t, err)
	v := res.Values
	assert.Equal(t, "tool_calls", v[0])
	assert.Equal(t, true, v[1], "content is null when the model only calls tools")
	assert.Equal(t, "get_weather", v[2])
	assert.Equal(t, v[4], v[3], "the arguments assembled from their pieces")
	assert.Contains(t, v[3], "city")
	assert.Equal(t, "function", v[5])
	assert.Equal(t, true, v[6])
	assert.Greater(t, v[7], 2.0, "the arguments came in several deltas")
}

// TestStreamStops: a stream cut off, an error in the callback, the run
// cancelled mid-stream: each stops the call with the right error, and
// nothing is sent again.
func TestStreamStops(t *testing.T) {
	never := make(chan struct{})
	cases := []struct {
		name   string
		fault  openaitest.StreamFault
		script string
		cancel bool // cancel the run when the callback printed its second chunk
		check  func(t *testing.T, res *kosmo.Result, err error)
	}{
		{"cut off before [DONE]", openaitest.StreamFault{After: 3, Cut: true}, `
			local n = 0
			local ok, err = pcall(app.integrations.openai.openai_chat_completion, { model = "gpt-5.1", stream = true,
				messages = { { role = "user", content = "a long enough answer to cut" } },
				on_chunk = function() n = n + 1 end })
			return ok, err.type, err.retryable, err.message, n`, false,
			func(t *testing.T, res *kosmo.Result, err error) {
				require.NoError(t, err)
				v := res.Values
				assert.Equal(t, false, v[0])
				assert.Equal(t, "invalid_response", v[1])
				assert.Equal(t, true, v[2])
				assert.Contains(t, v[3], "the stream was cut off after 3 chunks, before data: [DONE]")
				assert.Equal(t, 3.0, v[4])
			}},
		{"an error in the callback is the script's", openaitest.StreamFault{After: 2, Hold: never}, `
			local ok, err = pcall(app.integrations.openai.openai_chat_completion, { model = "gpt-5.1", stream = true,
				messages = { { role = "user", content = "hello there" } },
				on_chunk = function(chunk) error({ mine = "enough" }) end })
			return ok, type(err) == "table" and err.mine`, false,
			func(t *testing.T, res *kosmo.Result, err error) {
				require.NoError(t, err, "the held stream was closed, not read to its end")
				assert.Equal(t, []any{false, "enough"}, res.Values)
			}},
		{"cancelled mid-stream", openaitest.StreamFault{After: 2, Hold: never}, `
			local n = 0
			app.integrations.openai.openai_chat_completion{ model = "gpt-5.1", stream = true,
				messages = { { role = "user", content = "hello there" } },
				on_chunk = function() n = n + 1; print("chunk " .. n) end }
			print("returned")`, true,
			func(t *testing.T, res *kosmo.Result, err error) {
				var se *luabridge.ScriptError
				require.ErrorAs(t, err, &se)
				assert.Contains(t, se.Message, "stopped")
				assert.NotContains(t, res.Output, "returned")
				assert.Contains(t, res.Output, "chunk 2\n")
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), streamBound)
			defer cancel()
			out := &lineWatcher{on: func(line string) {
				if tc.cancel && line == "chunk 2" {
					cancel()
				}
			}}
			host, fake := fakeHost(t, kosmo.Options{Stdout: out})
			fake.Handler().InjectStreamFault(tc.fault)
			res, err := host.Run(ctx, "s.lua", tc.script)
			tc.check(t, res, err)
			assert.Len(t, fake.Requests(), 1, "a stream is never sent again")
			require.Len(t, res.Calls, 1)
		})
	}
}

// TestStreamBadInput: each is refused before anything is sent, naming the
// parameter.
func TestStreamBadInput(t *testing.T) {
	cases := []struct{ name, args, param, message string }{
		{"callback not a function", `stream = true, on_chunk = "print"`, "on_chunk",
			"parameter 'on_chunk': a function expected (on_chunk = function(chunk) … end, called with each chunk of a streamed answer), got string"},
		{"callback without stream", `on_chunk = function() end`, "on_chunk",
			"parameter 'on_chunk': is called with each chunk of a streamed answer: set stream = true as well"},
		{"n with stream", `stream = true, n = 2, on_chunk = function() end`, "n",
			"parameter 'n': one choice per streamed completion"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			host, fake := fakeHost(t, kosmo.Options{})
			res, err := host.Run(context.Background(), "s.lua", `
				local t = { model = "gpt-5.1", messages = { { role = "user", content = "hi" } }, `+tc.args+` }
				local ok, err = pcall(app.integrations.openai.openai_chat_completion, t)
				return ok, err.type, err.param, err.message, type(t.on_chunk)`)
			require.NoError(t, err)
			v := res.Values
			assert.Equal(t, false, v[0])
			assert.Equal(t, "validation_error", v[1])
			assert.Equal(t, tc.param, v[2])
			assert.Contains(t, v[3], tc.message)
			assert.NotEqual(t, "nil", v[4], "the script's table keeps its callback")
			assert.Empty(t, fake.Requests(), "nothing was sent")
		})
	}
}

// TestDocsTeachStreaming: a script that searches the docs for streaming or
// max_completion_tokens finds the chat page, and the page tells how to
// stream, which models reason and which are shut down; the full reference
// still begins with the documented one.
func TestDocsTeachStreaming(t *testing.T) {
	host, _ := fakeHost(t, kosmo.Options{})
	res, err := host.Run(context.Background(), "docs.lua", `
		local out = {}
		for _, q in ipairs({ "stream", "max_completion_tokens", "on_chunk" }) do
			table.insert(out, lua_search_docs(q)[1].page)
		end
		local page = lua_read_doc(out[1])
		local full = lua_read_doc("integrations.openai")
		return out, page:find("on_chunk = function(chunk)", 1, true) ~= nil,
			page:find("| `+"`gpt-4-turbo` | 2026-10-23 | shut down |"+`", 1, true) ~= nil,
			page:find("| `+"`gpt-4o` | 2027-01-14 | scheduled |"+`", 1, true) ~= nil,
			page:find("max_completion_tokens", 1, true) ~= nil,
			full:find("**Streaming.**", 1, true) ~= nil, full:sub(1, 32)`)
	require.NoError(t, err)
	v := res.Values
	for _, p := range v[0].([]any) {
		assert.Equal(t, "integrations.openai.openai_chat_completion", p)
	}
	assert.Equal(t, []any{true, true, true, true, true, "# OpenAI — Lua API Reference\n\n"}, v[1:])
}

// TestStreamCallbackRunsInTheScript: on_chunk runs under the script's own
// limits (an endless loop in it ends at the time limit) and works from a
// coroutine.
func TestStreamCallbackRunsInTheScript(t *testing.T) {
	host, _ := fakeHost(t, kosmo.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	_, err := host.Run(ctx, "loop.lua", `
		app.integrations.openai.openai_chat_completion{ model = "gpt-5.1", stream = true,
			messages = { { role = "user", content = "hi" } }, on_chunk = function() while true do end end }`)
	var se *luabridge.ScriptError
	require.ErrorAs(t, err, &se)
	assert.Contains(t, se.Message, "stopped")
	assert.Less(t, time.Since(start), streamBound)

	res, err := host.Run(context.Background(), "co.lua", `
		local co = coroutine.wrap(function()
			local n = 0
			local r = app.integrations.openai.openai_chat_completion{ model = "gpt-5.1", stream = true,
				messages = { { role = "user", content = "hi" } }, on_chunk = function() n = n + 1 end }
			coroutine.yield(n)
			return r.choices[1].message.content
		end)
		return co(), co()`)
	require.NoError(t, err)
	assert.Greater(t, res.Values[0], 2.0)
	assert.Contains(t, res.Values[1], "hi")
}

// TestStreamKeepsTheKeyFromTheScript: a server that echoes the key into a
// stream, JSON-escaped in one chunk and split across two others, or in an
// error event, shows the script (its callback, the result, the error) no
// key, whole or joined.
func TestStreamKeepsTheKeyFromTheScript(t *testing.T) {
	const key = "sk-script-stream-0123456789abcdef"
	text := openaitest.KeyEchoStream(key, " | ")
	tests := []struct {
		name   string
		events []string
	}{
		{"in the text", append(text, "data: [DONE]\n\n")},
		{"in an error event", append(text, openaitest.KeyEchoError(key))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaitest.EventServer(tt.events...)
			defer srv.Close()
			host := kosmo.New(kosmo.Options{Accounts: accounts.Config{"openai": {Default: "default", Accounts: []*integration.Account{
				{Name: "default", Key: integration.NewSecret(key), BaseURL: srv.URL},
			}}}})
			ctx, cancel := context.WithTimeout(context.Background(), streamBound)
			defer cancel()
			res, err := host.Run(ctx, "leak.lua", `
				local got = {}
				local ok, r = pcall(app.integrations.openai.openai_chat_completion, { model = "gpt-5.1", stream = true,
					messages = { { role = "user", content = "hi" } },
					on_chunk = function(c) got[#got + 1] = c.choices[1].delta.content end })
				local seen = table.concat(got)
				if ok then
					return seen, r.choices[1].message.content
				end
				return seen, r.type, r.code, r.param, r.message, tostring(r)`)
			require.NoError(t, err)
			require.NotEmpty(t, res.Values)
			for _, v := range res.Values {
				assert.NotContains(t, v, key)
			}
			assert.Contains(t, res.Values[0], " | "+integration.NewSecret(key).Redacted(), "the deltas joined")
		})
	}
}

//go:build conformance

package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/integration"
)

// The seven assistants functions on today's API: an account with the
// default backend (assistants: responses) carries them on Conversations and
// Responses, with assistants in kosmo's store. Each case is a script run
// through the proxy against the fake as it is by default (no Assistants
// API): every request must pass Prism's request validation and reach the
// fake unchanged, and the script's requests, in order, must be those of the
// mapping, carrying every parameter of the call where the mapping puts it.
// Answers Prism refuses with the documented usage deviation (a background
// response's usage is null until it completes) are passed on to kosmo as
// the fake gave them, as the real API gives them, and requests it refuses
// with the documented InputItem deviation (a message with list content,
// see inputItemDeviation) reach the fake all the same, their answers
// checked by Prism on a replay (see passOn).

// assistantsFunctions are the functions whose backend an account picks.
var assistantsFunctions = []string{
	"openai_create_assistant", "openai_list_assistants", "openai_create_thread", "openai_add_message_to_thread",
	"openai_list_thread_messages", "openai_create_run", "openai_get_run",
}

// todayCase is one script on today's API.
type todayCase struct {
	fn, name string
	// kind says which parameters args must carry: every documented one
	// (full), the required ones only (minimal), or any (value).
	kind coverage
	// before and after run around the call under test, whose result is
	// named result. An assistant's parameters, kept in the store, reach
	// the wire only with a run made after it.
	before, after string
	args          args
	// poll repeats the call until its result's status is "completed" (at
	// most 10 times).
	poll bool
	// wire are every request of the script, in order.
	wire []wireRequest
	// want are fields the script's result must have, by path.
	want map[string]any
}

// source is the Lua of the case, after the line that names oa.
func (c todayCase) source() string {
	var b strings.Builder
	b.WriteString(c.before + "\n")
	if c.poll {
		fmt.Fprintf(&b, "local result\nfor _ = 1, 10 do\n  result = oa.%s(%s)\n  if result.status == \"completed\" then break end\nend\n",
			c.fn, render(c.args))
	} else {
		fmt.Fprintf(&b, "local result = oa.%s(%s)\n", c.fn, render(c.args))
	}
	b.WriteString(c.after + "\nreturn result")
	return b.String()
}

// wireRequest is one request a script must send.
type wireRequest struct {
	// op is the spec's operationId; path the request's path under /v1,
	// where {i:field} is the field of the answer to request i (0-based).
	op, method, path string
	// query, when not nil, is the whole query string, key by key.
	query map[string]string
	// keys, when not nil, are the JSON body's keys, all of them.
	keys []string
	// body are fields of the JSON body by path: a value, a length or a
	// ref.
	body map[string]any
}

// length is an array or object field with n elements.
type length int

// ref is a value known when the script has run: the field at path of the
// answer to request i, or of the script's result when i is -1.
type ref struct {
	i    int
	path string
}

func fromAnswer(i int, path string) ref { return ref{i, path} }
func fromResult(path string) ref        { return ref{-1, path} }

// Requests of the mapping, by operation.
func createConversation(keys []string, body map[string]any) wireRequest {
	return wireRequest{op: "createConversation", method: "POST", path: "/conversations", keys: keys, body: body,
		query: map[string]string{}}
}

func createItems(conv int, body map[string]any) wireRequest {
	return wireRequest{op: "createConversationItems", method: "POST", path: fmt.Sprintf("/conversations/{%d:id}/items", conv),
		keys: []string{"items"}, query: map[string]string{}, body: body}
}

func listItems(conv int, limit string) wireRequest {
	return wireRequest{op: "listConversationItems", method: "GET", path: fmt.Sprintf("/conversations/{%d:id}/items", conv),
		query: map[string]string{"limit": limit, "order": "desc"}}
}

func createResponse(keys []string, body map[string]any) wireRequest {
	return wireRequest{op: "createResponse", method: "POST", path: "/responses", keys: keys, body: body, query: map[string]string{}}
}

func getResponse(resp int) wireRequest {
	return wireRequest{op: "getResponse", method: "GET", path: fmt.Sprintf("/responses/{%d:id}", resp), query: map[string]string{}}
}

// runKeys are the body keys of a run's response, less instructions and
// tools, which depend on the assistant and the run.
func runKeys(more ...string) []string {
	return append([]string{"model", "conversation", "background", "store", "metadata"}, more...)
}

// runBody is what every run's request carries: the conversation of request
// conv, in background, stored, with the run's assistant in the metadata.
func runBody(conv int, model string, more map[string]any) map[string]any {
	body := map[string]any{
		"model": model, "conversation": fromAnswer(conv, "id"), "background": true, "store": true,
		"metadata": length(1), "metadata.assistant_id": fromResult("assistant_id"),
	}
	maps.Copy(body, more)
	return body
}

func todayCases() []todayCase {
	// The spec's FunctionTool requires strict and parameters; the mapping
	// sends them always: what the assistant's tool says, else strict false
	// (the Assistants API's default) and parameters null.
	weatherParams := map[string]any{"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}},
		"required": []any{"city"}}
	weather := map[string]any{"type": "function", "function": map[string]any{
		"name": "get_weather", "description": "The weather in a city.", "parameters": weatherParams,
	}}
	weatherFlat := map[string]any{"type": "function", "name": "get_weather", "description": "The weather in a city.", "strict": false,
		"parameters": weatherParams}
	ping := map[string]any{"type": "function", "function": map[string]any{"name": "ping"}}
	pingFlat := map[string]any{"type": "function", "name": "ping", "strict": false, "parameters": nil}
	strictParams := map[string]any{"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}},
		"required": []any{"city"}, "additionalProperties": false}
	weatherStrict := map[string]any{"type": "function", "function": map[string]any{
		"name": "get_weather", "strict": true, "parameters": strictParams,
	}}
	weatherStrictFlat := map[string]any{"type": "function", "name": "get_weather", "strict": true, "parameters": strictParams}
	codeInterpreter := map[string]any{"type": "code_interpreter"}
	codeInterpreterToday := map[string]any{"type": "code_interpreter", "container": map[string]any{"type": "auto"}}
	fileSearch := map[string]any{"type": "file_search", "vector_store_ids": []any{"vs_abc123"}}
	allTools := []any{codeInterpreter, fileSearch, weather}
	allToolsToday := []any{codeInterpreterToday, fileSearch, weatherFlat}

	// A run with the assistant the call under test made: its parameters
	// reach the wire there.
	runIt := `local thread = oa.openai_create_thread{}
local run = oa.openai_create_run{ thread_id = thread.id, assistant_id = result.id }`
	runOf := func(body map[string]any) map[string]any {
		b := runBody(0, "gpt-4.1-nano", body)
		b["metadata.assistant_id"] = fromResult("id")
		return b
	}
	text := func(s string) map[string]any { return map[string]any{"type": "text", "text": s} }
	message := func(role string, content any) map[string]any { return map[string]any{"role": role, "content": content} }
	item := func(role string, content any) map[string]any {
		return map[string]any{"type": "message", "role": role, "content": content}
	}
	hello := `local thread = oa.openai_create_thread{ messages = { { role = "user", content = "Hello" } } }`
	helloWire := createConversation([]string{"items"}, map[string]any{"items": []any{item("user", "Hello")}})
	emptyWire := createConversation([]string{}, nil)
	threadRef, asstRef := luaExpr("thread.id"), luaExpr("asst.id")
	// Content parts: a user message's become input parts, which Prism
	// refuses with the documented InputItem deviation (see
	// inputItemDeviation).
	picture := []any{text("What is in this image?"),
		map[string]any{"type": "image_url", "image_url": map[string]any{"url": "https://example.com/cat.png", "detail": "low"}},
		map[string]any{"type": "image_file", "image_file": map[string]any{"file_id": "file-abc"}}}
	pictureWire := []any{
		map[string]any{"type": "input_text", "text": "What is in this image?"},
		map[string]any{"type": "input_image", "image_url": "https://example.com/cat.png", "detail": "low"},
		map[string]any{"type": "input_image", "file_id": "file-abc", "detail": "auto"}}
	pictureResult := func(prefix string) map[string]any {
		out := map[string]any{}
		for k, v := range map[string]any{"role": "user", "content.0.type": "text", "content.0.text.value": "What is in this image?",
			"content.1.type": "image_url", "content.1.image_url.url": "https://example.com/cat.png", "content.1.image_url.detail": "low",
			"content.2.type": "image_file", "content.2.image_file.file_id": "file-abc", "content.2.image_file.detail": "auto",
			"content.3": nil} {
			out[prefix+k] = v
		}
		return out
	}
	oneText := func(s string) []any { return []any{map[string]any{"type": "input_text", "text": s}} }
	numbered := func(n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = message("user", "message "+strconv.Itoa(i+1))
		}
		return out
	}

	cases := []todayCase{
		{fn: "openai_create_assistant", name: "full", kind: full, args: args{"model": "gpt-4.1-nano", "name": "Math tutor",
			"description": "Answers math questions.", "instructions": "You are a personal math tutor.", "tools": allTools},
			after: runIt,
			wire: []wireRequest{emptyWire, createResponse(runKeys("instructions", "tools"), runOf(map[string]any{
				"instructions": "You are a personal math tutor.", "tools": allToolsToday}))},
			want: map[string]any{"object": "assistant", "model": "gpt-4.1-nano", "name": "Math tutor", "description": "Answers math questions.",
				"instructions": "You are a personal math tutor.", "tools.0.type": "code_interpreter",
				"tools.1.vector_store_ids.0": "vs_abc123", "tools.2.function.name": "get_weather",
				"tool_resources.file_search.vector_store_ids.0": "vs_abc123"}},
		{fn: "openai_create_assistant", name: "minimal", kind: minimal, args: args{"model": "gpt-4.1-nano"}, after: runIt,
			wire: []wireRequest{emptyWire, createResponse(runKeys(), runOf(map[string]any{"model": "gpt-4.1-nano"}))},
			want: map[string]any{"object": "assistant", "model": "gpt-4.1-nano", "name": nil, "instructions": nil}},

		{fn: "openai_list_assistants", name: "full", kind: full, args: args{"limit": 2},
			before: `for _, n in ipairs{ "A", "B", "C" } do oa.openai_create_assistant{ model = "gpt-4.1-nano", name = n } end`,
			wire:   []wireRequest{},
			want:   map[string]any{"object": "list", "data.0.name": "C", "data.1.name": "B", "data.2": nil, "has_more": true}},
		{fn: "openai_list_assistants", name: "minimal", kind: minimal, before: `oa.openai_create_assistant{ model = "gpt-4.1-nano" }`,
			wire: []wireRequest{}, want: map[string]any{"object": "list", "data.0.model": "gpt-4.1-nano", "has_more": false}},

		{fn: "openai_create_thread", name: "full", kind: full, args: args{"messages": []any{
			message("user", "Hello"),
			message("assistant", []any{text("Hi, "), text("how can I help?")}),
			message("user", "What is 2 + 2?"),
		}},
			wire: []wireRequest{createConversation([]string{"items"}, map[string]any{"items": []any{
				item("user", "Hello"), item("assistant", "Hi, how can I help?"), item("user", "What is 2 + 2?"),
			}})},
			want: map[string]any{"object": "thread"}},
		{fn: "openai_create_thread", name: "minimal", kind: minimal, args: args{}, wire: []wireRequest{emptyWire},
			want: map[string]any{"object": "thread"}},
		{fn: "openai_create_thread", name: "20 messages, one request", kind: value, args: args{"messages": numbered(20)},
			wire: []wireRequest{createConversation([]string{"items"}, map[string]any{"items": length(20),
				"items.0": item("user", "message 1"), "items.19": item("user", "message 20")})}},
		{fn: "openai_create_thread", name: "45 messages, three requests", kind: value, args: args{"messages": numbered(45)},
			wire: []wireRequest{
				createConversation([]string{"items"}, map[string]any{"items": length(20),
					"items.0": item("user", "message 1"), "items.19": item("user", "message 20")}),
				createItems(0, map[string]any{"items": length(20), "items.0": item("user", "message 21"), "items.19": item("user", "message 40")}),
				createItems(0, map[string]any{"items": length(5), "items.0": item("user", "message 41"), "items.4": item("user", "message 45")}),
			}},
		{fn: "openai_create_thread", name: "content parts", kind: value, args: args{"messages": []any{
			message("user", "Hello"), message("user", picture), message("assistant", []any{text("A cat.")}),
		}},
			wire: []wireRequest{createConversation([]string{"items"}, map[string]any{"items": []any{
				item("user", "Hello"), item("user", pictureWire), item("assistant", "A cat."),
			}})},
			want: map[string]any{"object": "thread"}},
		{fn: "openai_create_thread", name: "content parts in the second request", kind: value,
			args: args{"messages": append(numbered(20), message("user", picture))},
			wire: []wireRequest{
				createConversation([]string{"items"}, map[string]any{"items": length(20), "items.19": item("user", "message 20")}),
				createItems(0, map[string]any{"items": []any{item("user", pictureWire)}}),
			}},
		{fn: "openai_create_thread", name: "a single text part", kind: value, args: args{"messages": []any{
			message("user", []any{text("Hello")}),
		}},
			wire: []wireRequest{createConversation([]string{"items"}, map[string]any{"items": []any{item("user", oneText("Hello"))}})},
			want: map[string]any{"object": "thread"}},

		{fn: "openai_add_message_to_thread", name: "full", kind: full, before: hello,
			args: args{"thread_id": threadRef, "role": "user", "content": "What is 2 + 2?"},
			wire: []wireRequest{helloWire, createItems(0, map[string]any{"items": length(1), "items.0": item("user", "What is 2 + 2?")})},
			want: map[string]any{"object": "thread.message", "role": "user", "content.0.text.value": "What is 2 + 2?", "status": "completed"}},
		{fn: "openai_add_message_to_thread", name: "minimal", kind: minimal, before: `local thread = oa.openai_create_thread{}`,
			args: args{"thread_id": threadRef, "role": "user", "content": "Hi"},
			wire: []wireRequest{emptyWire, createItems(0, map[string]any{"items": length(1), "items.0": item("user", "Hi")})},
			want: map[string]any{"role": "user", "content.0.text.value": "Hi"}},
		{fn: "openai_list_thread_messages", name: "full", kind: full,
			before: `local thread = oa.openai_create_thread{ messages = { { role = "user", content = "one" }, { role = "assistant", content = "two" },
  { role = "user", content = "three" } } }`,
			args: args{"thread_id": threadRef, "limit": 2},
			wire: []wireRequest{createConversation([]string{"items"}, map[string]any{"items": length(3)}), listItems(0, "2")},
			want: map[string]any{"object": "list", "data.0.content.0.text.value": "three", "data.1.role": "assistant",
				"data.1.content.0.text.value": "two", "data.2": nil, "has_more": true}},
		{fn: "openai_list_thread_messages", name: "minimal", kind: minimal, before: hello, args: args{"thread_id": threadRef},
			wire: []wireRequest{helloWire, listItems(0, "20")},
			want: map[string]any{"data.0.role": "user", "data.0.content.0.text.value": "Hello", "has_more": false}},
		{fn: "openai_list_thread_messages", name: "content parts", kind: value,
			before: `local thread = oa.openai_create_thread(` + render(args{"messages": []any{message("user", picture)}}) + `)`,
			args:   args{"thread_id": threadRef},
			wire: []wireRequest{createConversation([]string{"items"}, map[string]any{"items": []any{item("user", pictureWire)}}),
				listItems(0, "20")},
			want: pictureResult("data.0.")},
		{fn: "openai_list_thread_messages", name: "after a run", kind: value, before: `local asst = oa.openai_create_assistant{ model = "gpt-4.1-nano" }
` + hello + `
local run = oa.openai_create_run{ thread_id = thread.id, assistant_id = asst.id }
for _ = 1, 10 do
  run = oa.openai_get_run{ thread_id = thread.id, run_id = run.id }
  if run.status == "completed" then break end
end`,
			args: args{"thread_id": threadRef},
			wire: []wireRequest{helloWire, createResponse(runKeys(), nil), getResponse(1), getResponse(1), listItems(0, "20")},
			want: map[string]any{"data.0.role": "assistant", "data.0.content.0.text.value": "This is a fake reply to: Hello",
				"data.1.role": "user"}},

		{fn: "openai_create_run", name: "full", kind: full, before: `local asst = oa.openai_create_assistant{ model = "gpt-4.1-nano",
  instructions = "You are a personal math tutor." }
` + hello,
			args: args{"thread_id": threadRef, "assistant_id": asstRef, "instructions": "Answer in one word."},
			wire: []wireRequest{helloWire, createResponse(runKeys("instructions"), runBody(0, "gpt-4.1-nano",
				map[string]any{"instructions": "Answer in one word."}))},
			want: map[string]any{"object": "thread.run", "status": "queued", "instructions": "Answer in one word.", "model": "gpt-4.1-nano"}},
		{fn: "openai_create_run", name: "minimal", kind: minimal, before: `local asst = oa.openai_create_assistant{ model = "gpt-4.1-nano" }
` + hello,
			args: args{"thread_id": threadRef, "assistant_id": asstRef},
			wire: []wireRequest{helloWire, createResponse(runKeys(), runBody(0, "gpt-4.1-nano", nil))},
			want: map[string]any{"object": "thread.run", "status": "queued"}},
		{fn: "openai_create_run", name: "the assistant's instructions and tools", kind: value,
			before: `local asst = oa.openai_create_assistant(` + render(args{"model": "gpt-4.1-nano", "instructions": "You are a personal math tutor.",
				"tools": allTools}) + `)
` + hello,
			args: args{"thread_id": threadRef, "assistant_id": asstRef},
			wire: []wireRequest{helloWire, createResponse(runKeys("instructions", "tools"), runBody(0, "gpt-4.1-nano",
				map[string]any{"instructions": "You are a personal math tutor.", "tools": allToolsToday}))},
			want: map[string]any{"instructions": "You are a personal math tutor.", "tools.0.type": "code_interpreter",
				"tools.2.function.name": "get_weather"}},

		{fn: "openai_get_run", name: "full", kind: full, poll: true,
			before: `local asst = oa.openai_create_assistant(` + render(args{"model": "gpt-4.1-nano", "instructions": "Be brief.", "tools": allTools}) + `)
` + hello + `
local run = oa.openai_create_run{ thread_id = thread.id, assistant_id = asst.id }`,
			args: args{"thread_id": threadRef, "run_id": luaExpr("run.id")},
			wire: []wireRequest{helloWire, createResponse(runKeys("instructions", "tools"), runBody(0, "gpt-4.1-nano",
				map[string]any{"instructions": "Be brief.", "tools": allToolsToday})), getResponse(1), getResponse(1)},
			want: map[string]any{"object": "thread.run", "status": "completed", "instructions": "Be brief.",
				"tools.0.type": "code_interpreter", "tools.2.function.name": "get_weather", "required_action": nil}},
		{fn: "openai_get_run", name: "minimal", kind: minimal, before: `local asst = oa.openai_create_assistant{ model = "gpt-4.1-nano" }
` + hello + `
local run = oa.openai_create_run{ thread_id = thread.id, assistant_id = asst.id }`,
			args: args{"thread_id": threadRef, "run_id": luaExpr("run.id")},
			wire: []wireRequest{helloWire, createResponse(runKeys(), runBody(0, "gpt-4.1-nano", nil)), getResponse(1)},
			want: map[string]any{"object": "thread.run", "status": "in_progress"}},
	}
	// Nested enums: every role of a thread message, on both functions that
	// take one, and every assistant tool type on its own.
	for _, role := range []string{"user", "assistant"} {
		cases = append(cases,
			todayCase{fn: "openai_create_thread", name: "role " + role, kind: value, args: args{"messages": []any{message(role, "Hello")}},
				wire: []wireRequest{createConversation([]string{"items"}, map[string]any{"items": []any{item(role, "Hello")}})}},
			todayCase{fn: "openai_add_message_to_thread", name: "role " + role, kind: value, before: `local thread = oa.openai_create_thread{}`,
				args: args{"thread_id": threadRef, "role": role, "content": "Hello"},
				wire: []wireRequest{emptyWire, createItems(0, map[string]any{"items": []any{item(role, "Hello")}})},
				want: map[string]any{"role": role}})
	}
	for i, tool := range allTools {
		typ := tool.(map[string]any)["type"].(string)
		cases = append(cases, todayCase{fn: "openai_create_assistant", name: "tool " + typ, kind: value,
			args: args{"model": "gpt-4.1-nano", "tools": []any{tool}}, after: runIt,
			wire: []wireRequest{emptyWire, createResponse(runKeys("tools"), runOf(map[string]any{"tools": []any{allToolsToday[i]}}))}})
	}
	// A function tool with a name only, and one that says strict: strict
	// and parameters are on the wire, given or not.
	cases = append(cases,
		todayCase{fn: "openai_create_assistant", name: "tool function, name only", kind: value,
			args: args{"model": "gpt-4.1-nano", "tools": []any{ping}}, after: runIt,
			// tools, compared whole, has parameters null, not left out.
			wire: []wireRequest{emptyWire, createResponse(runKeys("tools"), runOf(map[string]any{"tools": []any{pingFlat},
				"tools.0.strict": false}))},
			want: map[string]any{"tools.0.type": "function", "tools.0.function.name": "ping"}},
		todayCase{fn: "openai_create_assistant", name: "tool function, strict", kind: value,
			args: args{"model": "gpt-4.1-nano", "tools": []any{weatherStrict}}, after: runIt,
			wire: []wireRequest{emptyWire, createResponse(runKeys("tools"), runOf(map[string]any{"tools": []any{weatherStrictFlat},
				"tools.0.strict": true}))},
			want: map[string]any{"tools.0.function.strict": true}})
	return cases
}

// todayProblems runs a case on today's API and returns the number of
// requests it sent, whether Prism refused one of them with the documented
// InputItem deviation, and every problem found.
func (e *env) todayProblems(t *testing.T, fn *integration.Function, c todayCase) (int, bool, []string) {
	out := argsProblems(fn, c)
	o := e.run(t, script{to: proxy, today: true, src: c.source()})
	for _, x := range o.Exchanges {
		out = append(out, requestProblems(x)...)
	}
	if o.Err != nil {
		last, _ := o.last()
		out = append(out, fmt.Sprintf("the script failed: %v\nlast exchange: %v", o.Err, last))
	}
	out = append(out, forwardProblems(o)...)
	out = append(out, e.wireProblems(o, c.wire)...)
	if o.Err == nil {
		out = append(out, fieldProblems(o.Values, c.want)...)
	}
	for _, x := range o.PassedOn {
		t.Logf("%s %s: Prism refused the answer with the documented usage deviation; kosmo got it as the fake gave it", x.Method, x.URL)
	}
	for _, x := range o.Deviated {
		t.Logf("%s %s: Prism refused the request with the documented InputItem deviation only; the fake got it as kosmo sent it, "+
			"and Prism checked the answer on a replay", x.Method, x.URL)
	}
	return len(o.Exchanges), len(o.Deviated) > 0, out
}

// inputItemLists are the operations that take a list of InputItems: the
// list's field, and the violations Prism then reports on the list itself,
// because the list is one alternative of its field's schema (items may
// also be null, input a string) and an item of it fails the InputItem
// oneOf. POST /conversations/{id}/items takes a plain list: none.
var inputItemLists = map[string]struct {
	field string
	list  []violation
}{
	"createConversation": {"items", []violation{
		requestViolation("type", "must be null", "items"),
		requestViolation("anyOf", "must match a schema in anyOf", "items"),
	}},
	"createConversationItems": {"items", nil},
	"createResponse": {"input", []violation{
		requestViolation("type", "must be string", "input"),
		requestViolation("oneOf", "must match exactly one schema in oneOf", "input"),
	}},
}

// requestViolation is Prism's violation of the request body at loc, in the
// words of the pinned Prism release.
func requestViolation(code, msg string, loc ...string) violation {
	return violation{Location: append([]string{"body"}, loc...), Severity: "Error", Code: code,
		Message: fmt.Sprintf("Request body property %s %s", strings.Join(loc, "."), msg)}
}

// inputItemDeviation is the documented request deviation of a body whose
// InputItems (items on POST /conversations and POST
// /conversations/{id}/items, input on POST /responses) hold messages with
// list content; nil when they hold none, or for another operation.
//
// The spec's InputItem is oneOf [EasyInputMessage, Item, …], and Item is
// oneOf [InputMessage, …]. A user, system or developer message whose
// content is a list of input parts (input_text, input_image, …) is valid
// under both EasyInputMessage and InputMessage: both take that content,
// type is optional in both, and neither forbids other properties. So
// "exactly one" cannot hold, and Prism refuses the item. The real API takes
// it: it is the documented way to send images, and what kosmo sends for
// content parts. The spec is kept as published and the deviation pinned as
// narrowly as it goes:
//
//   - only for an item that is such a message: type "message" or none,
//     role user, system or developer, content a list, and no other key;
//   - for each, the oneOf violation at its index alone (items.N or
//     input.N), and nothing under it. Prism's validator reports a oneOf
//     violation alone only when more than one alternative matched: an item
//     that matches none brings the violations of every alternative along
//     (a broken part, an unknown role), which are beyond the deviation;
//   - plus, once, the violations that the list's own schema adds (see
//     inputItemLists).
//
// Prism must report exactly these, no more and no fewer; anything else on
// the same request is refused as usual (see the oracle cases).
func inputItemDeviation(op string, body []byte) *deviation {
	l, ok := inputItemLists[op]
	if !ok {
		return nil
	}
	var doc map[string]any
	if json.Unmarshal(body, &doc) != nil {
		return nil
	}
	list, _ := doc[l.field].([]any)
	d := &deviation{
		why: "InputItem is oneOf [EasyInputMessage, Item→InputMessage, …], and a message with list content matches both; " +
			"the real API takes it (the documented way to send images)",
	}
	for i, it := range list {
		if listContentMessage(it) {
			n := strconv.Itoa(i)
			d.violations = append(d.violations,
				requestViolation("oneOf", "must match exactly one schema in oneOf", l.field, n))
		}
	}
	if len(d.violations) == 0 {
		return nil
	}
	d.violations = append(d.violations, l.list...)
	return d
}

// listContentMessage reports whether an InputItem is a message that both
// EasyInputMessage and InputMessage take: type "message" or none, role
// user, system or developer, content a list, nothing else.
func listContentMessage(item any) bool {
	m, _ := item.(map[string]any)
	if m == nil {
		return false
	}
	for k, v := range m {
		switch k {
		case "type":
			if v != "message" {
				return false
			}
		case "role":
			if r, _ := v.(string); !slices.Contains([]string{"user", "system", "developer"}, r) {
				return false
			}
		case "content":
			if _, ok := v.([]any); !ok {
				return false
			}
		default:
			return false
		}
	}
	_, role := m["role"]
	_, content := m["content"]
	return role && content
}

// replayBody is body with the content of each message that
// inputItemDeviation pins given as its text (input_text parts joined): an
// item only EasyInputMessage takes, so that Prism accepts the request that
// replays the fake's answer (see passOn).
func replayBody(op string, body []byte) ([]byte, error) {
	var doc map[string]any
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	list, _ := doc[inputItemLists[op].field].([]any)
	for _, it := range list {
		if !listContentMessage(it) {
			continue
		}
		m := it.(map[string]any)
		var b strings.Builder
		for _, p := range m["content"].([]any) {
			if part, _ := p.(map[string]any); part["type"] == "input_text" {
				s, _ := part["text"].(string)
				b.WriteString(s)
			}
		}
		m["content"] = b.String()
	}
	return json.Marshal(doc)
}

// argsProblems checks that a full case passes every parameter of its
// function and a minimal one the required ones only.
func argsProblems(fn *integration.Function, c todayCase) []string {
	var out []string
	for _, p := range fn.Params {
		_, has := c.args[p.Name]
		want := c.kind == full || p.Required
		if c.kind == value || has == want {
			continue
		}
		if want {
			out = append(out, fmt.Sprintf("a %s case must pass parameter %q; it does not", c.kind, p.Name))
		} else {
			out = append(out, fmt.Sprintf("a %s case must not pass optional parameter %q; it does", c.kind, p.Name))
		}
	}
	for k := range c.args {
		if fn.Param(k) == nil {
			out = append(out, fmt.Sprintf("%s has no parameter %q", fn.Name, k))
		}
	}
	return out
}

// refInPath is {i:field} in a wireRequest's path.
var refInPath = regexp.MustCompile(`\{(\d+):([^}]+)\}`)

// wireProblems checks that the script sent exactly the requests of want, in
// order.
func (e *env) wireProblems(o outcome, want []wireRequest) []string {
	sent := make([]string, len(o.Exchanges))
	for i, x := range o.Exchanges {
		sent[i] = x.Method + " " + x.URL
	}
	if len(o.Exchanges) != len(want) {
		return []string{fmt.Sprintf("the script sent %d requests, want %d: %q", len(o.Exchanges), len(want), sent)}
	}
	answers := make([]any, len(o.Exchanges))
	for i, x := range o.Exchanges {
		_ = json.Unmarshal(x.Body, &answers[i])
	}
	var result any
	if len(o.Values) > 0 {
		result = o.Values[0]
	}
	resolve := func(r ref) any {
		if r.i < 0 {
			return field(result, r.path)
		}
		if r.i >= len(answers) {
			return nil
		}
		return field(answers[r.i], r.path)
	}
	var out []string
	for i, w := range want {
		x := o.Exchanges[i]
		bad := func(format string, a ...any) {
			out = append(out, fmt.Sprintf("request %d (%s %s): %s", i+1, x.Method, x.URL, fmt.Sprintf(format, a...)))
		}
		u, err := url.Parse(x.URL)
		if err != nil {
			bad("%v", err)
			continue
		}
		path := refInPath.ReplaceAllStringFunc(w.path, func(m string) string {
			sm := refInPath.FindStringSubmatch(m)
			n, _ := strconv.Atoi(sm[1])
			s, _ := resolve(ref{n, sm[2]}).(string)
			return url.PathEscape(s)
		})
		if x.Method != w.method || u.EscapedPath() != path {
			bad("want %s %s (%s)", w.method, path, w.op)
			continue
		}
		if op, _ := e.spec.operation(x.Method, u.Path); op == nil || op["operationId"] != w.op {
			bad("the spec's operation is not %s", w.op)
		}
		if w.query != nil {
			got := map[string]string{}
			for k, v := range u.Query() {
				got[k] = strings.Join(v, ",")
			}
			if !maps.Equal(got, w.query) {
				bad("query %v, want %v", got, w.query)
			}
		}
		if w.keys == nil && w.body == nil {
			continue
		}
		var body map[string]any
		if err := json.Unmarshal(x.ReqBody, &body); err != nil {
			bad("the body is not a JSON object: %v", err)
			continue
		}
		if w.keys != nil {
			if got := slices.Sorted(maps.Keys(body)); !slices.Equal(got, slices.Sorted(slices.Values(w.keys))) {
				bad("body keys %q, want %q", got, slices.Sorted(slices.Values(w.keys)))
			}
		}
		for _, p := range slices.Sorted(maps.Keys(w.body)) {
			got, wv := field(body, p), w.body[p]
			switch wv := wv.(type) {
			case length:
				n := -1
				switch g := got.(type) {
				case []any:
					n = len(g)
				case map[string]any:
					n = len(g)
				}
				if n != int(wv) {
					bad("body.%s = %#v, want %d elements", p, got, wv)
				}
				continue
			case ref:
				expect := resolve(wv)
				if expect == nil || !reflect.DeepEqual(got, expect) {
					bad("body.%s = %#v, want %#v (%s of %s)", p, got, expect, wv.path, refName(wv))
				}
				continue
			}
			if !reflect.DeepEqual(got, wv) {
				bad("body.%s = %#v, want %#v", p, got, wv)
			}
		}
	}
	return out
}

func refName(r ref) string {
	if r.i < 0 {
		return "the result"
	}
	return fmt.Sprintf("the answer to request %d", r.i+1)
}

// TestInputItemDeviation checks the documented InputItem deviation on the
// one operation that takes InputItems and that no script reaches (kosmo's
// runs send no input): input on POST /responses, through passOn as a
// script's requests go. A message with content parts passes, Prism
// refusing it with the deviation only, and reaches the fake as it was sent;
// beside another violation, Prism's refusal stands and nothing reaches the
// fake.
func TestInputItemDeviation(t *testing.T) {
	e := newEnv(t)
	hello := map[string]any{"role": "user", "content": "Hello"}
	message := map[string]any{"type": "message", "role": "user", "content": []any{
		map[string]any{"type": "input_text", "text": "What is in this image?"},
		map[string]any{"type": "input_image", "image_url": "https://example.com/cat.png", "detail": "low"},
	}}
	for _, c := range []struct {
		name string
		body map[string]any
		// refused is where Prism must report a violation; "" when the
		// request passes with the deviation.
		refused string
	}{
		{name: "content parts", body: map[string]any{"model": "gpt-4.1-nano", "input": []any{hello, message}}},
		{name: "content parts beside a temperature above 2", body: map[string]any{"model": "gpt-4.1-nano", "input": []any{hello, message},
			"temperature": 3}, refused: "body.temperature"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := e.upstream.resetToday()
			tr := &http.Transport{}
			defer tr.CloseIdleConnections()
			pass := &passOn{base: tr, up: e.upstream, spec: e.spec, direct: e.urls[direct], d: usageNullDeviation()}
			body, err := json.Marshal(c.body)
			require.NoError(t, err)
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, e.urls[proxy]+"/responses", bytes.NewReader(body))
			require.NoError(t, err)
			req.Header.Set("Authorization", "Bearer "+apiKey)
			req.Header.Set("Content-Type", "application/json")
			resp, err := (&http.Client{Transport: pass, Timeout: 30 * time.Second}).Do(req)
			require.NoError(t, err)
			data, err := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			require.NoError(t, err)
			x := exchange{Method: req.Method, URL: req.URL.String(), ReqBody: body, Status: resp.StatusCode, Header: resp.Header, Body: data}
			received := pass.received(h.Requests())

			if c.refused != "" {
				vs, err := x.violations()
				require.NoError(t, err)
				var where []string
				for _, v := range vs {
					where = append(where, strings.Join(v.Location, "."))
				}
				require.True(t, x.Status == http.StatusUnprocessableEntity && x.fromPrism(), "Prism must refuse the request: %v", x)
				require.Contains(t, where, c.refused)
				require.Contains(t, where, "body.input.1", "the message with content parts is refused too")
				require.Empty(t, pass.refusedRequests(), "carried past Prism")
				require.Empty(t, received, "the refused request reached the fake")
				return
			}
			require.Len(t, pass.refusedRequests(), 1, "Prism must refuse the request with the documented deviation: %v", x)
			for _, p := range deviationProblems(pass.refusedRequests()[0], inputItemDeviation("createResponse", body)) {
				t.Error(p)
			}
			for _, p := range e.answerProblems(x) {
				t.Error(p)
			}
			require.Equal(t, http.StatusOK, x.Status)
			require.Len(t, received, 1)
			require.Equal(t, "/v1/responses", received[0].Path)
			require.Equal(t, string(body), string(received[0].Body), "the fake must get the request as it was sent")
			var got map[string]any
			require.NoError(t, json.Unmarshal(data, &got))
			require.Equal(t, "response", got["object"])
			require.Equal(t, "completed", got["status"])
		})
	}
}

package openaitest

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func createAssistant(t *testing.T, s *Server, req map[string]any) map[string]any {
	t.Helper()
	r := postJSON(t, s, "/v1/assistants", req, betaHeaders())
	m := ok(t, r)
	conformsTo(t, "AssistantObject", r.body)
	return m
}

func createThread(t *testing.T, s *Server, req any) map[string]any {
	t.Helper()
	r := postJSON(t, s, "/v1/threads", req, betaHeaders())
	m := ok(t, r)
	conformsTo(t, "ThreadObject", r.body)
	return m
}

func TestBetaHeaderRequired(t *testing.T) {
	s := newTestServer(t, WithLegacyAssistants())
	for _, tt := range []struct{ method, path string }{
		{http.MethodPost, "/v1/assistants"},
		{http.MethodGet, "/v1/assistants"},
		{http.MethodPost, "/v1/threads"},
		{http.MethodPost, "/v1/threads/thread_x/messages"},
		{http.MethodGet, "/v1/threads/thread_x/messages"},
		{http.MethodPost, "/v1/threads/thread_x/runs"},
		{http.MethodGet, "/v1/threads/thread_x/runs/run_x"},
	} {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			for _, beta := range []string{"", "assistants=v1"} {
				h := authHeaders()
				if beta != "" {
					h["OpenAI-Beta"] = beta
				}
				r := call(t, s, tt.method, tt.path, strings.NewReader("{}"), h)
				require.Equal(t, http.StatusBadRequest, r.status)
				e := r.apiError(t)
				assert.Equal(t, "You must provide the 'OpenAI-Beta' header to access the Assistants API. Please try again by setting the header 'OpenAI-Beta: assistants=v2'.", e["message"])
				assert.Equal(t, "invalid_beta", e["code"])
				assert.Nil(t, e["param"])
			}
			// Without a key, 401 comes first.
			r := call(t, s, tt.method, tt.path, nil, nil)
			require.Equal(t, http.StatusUnauthorized, r.status)
		})
	}
	h := authHeaders()
	h["OpenAI-Beta"] = "realtime=v1, assistants=v2"
	require.Equal(t, http.StatusOK, call(t, s, http.MethodGet, "/v1/assistants", nil, h).status)
}

func TestAssistantObject(t *testing.T) {
	s := newTestServer(t, WithLegacyAssistants())
	a := createAssistant(t, s, map[string]any{
		"model": "gpt-4.1-nano", "name": "Helper", "instructions": "Be nice.",
		"tools":    []any{map[string]any{"type": "code_interpreter"}, map[string]any{"type": "function", "function": map[string]any{"name": "lookup"}}},
		"metadata": map[string]any{"team": "kosmo"},
	})
	requireKeys(t, a, "id", "object", "created_at", "name", "description", "model", "instructions", "tools", "metadata", "tool_resources", "temperature", "top_p", "response_format")
	assert.True(t, strings.HasPrefix(a["id"].(string), "asst_"))
	assert.Equal(t, "assistant", a["object"])
	assert.Equal(t, "Helper", a["name"])
	assert.Nil(t, a["description"])
	assert.Equal(t, "Be nice.", a["instructions"])
	assert.Len(t, arr(t, a["tools"]), 2)
	assert.Equal(t, map[string]any{"team": "kosmo"}, a["metadata"])
	assert.Equal(t, "auto", a["response_format"])

	bare := createAssistant(t, s, map[string]any{"model": "gpt-4.1-nano"})
	assert.Nil(t, bare["name"])
	assert.Nil(t, bare["instructions"])
	assert.Equal(t, []any{}, bare["tools"])
	assert.Equal(t, map[string]any{}, bare["metadata"])

	for _, tt := range []struct{ body, param string }{
		{`{}`, "model"},
		{`{"model":"gpt-4.1-nano","tools":[{"type":"browser"}]}`, "tools[0].type"},
		{`{"model":"gpt-4.1-nano","tools":[{"type":"function","function":{}}]}`, "tools[0].function.name"},
		{`{"model":"gpt-4.1-nano","name":"` + strings.Repeat("n", 257) + `"}`, "name"},
		{`{"model":"gpt-4.1-nano","temperature":3}`, "temperature"},
		{`{"model":"gpt-4.1-nano","colour":"red"}`, "colour"},
	} {
		r := postJSON(t, s, "/v1/assistants", tt.body, betaHeaders())
		require.Equal(t, http.StatusBadRequest, r.status, tt.body)
		assert.Equal(t, tt.param, r.apiError(t)["param"], tt.body)
	}
}

func TestThreadsMessagesRuns(t *testing.T) {
	s := newTestServer(t, WithLegacyAssistants())
	asst := createAssistant(t, s, map[string]any{"model": "gpt-4.1-nano", "instructions": "Default instructions."})
	th := createThread(t, s, map[string]any{"messages": []any{
		map[string]any{"role": "user", "content": "Hello from the thread"},
	}, "metadata": map[string]any{"k": "v"}})
	assert.True(t, strings.HasPrefix(th["id"].(string), "thread_"))
	assert.Equal(t, "thread", th["object"])
	assert.Equal(t, map[string]any{"k": "v"}, th["metadata"])
	tid := th["id"].(string)
	base := "/v1/threads/" + tid

	r := postJSON(t, s, base+"/messages", map[string]any{"role": "user", "content": "What is 2+2?"}, betaHeaders())
	msg := ok(t, r)
	conformsTo(t, "MessageObject", r.body)
	requireKeys(t, msg, "id", "object", "created_at", "thread_id", "status", "incomplete_details", "completed_at",
		"incomplete_at", "role", "content", "assistant_id", "run_id", "attachments", "metadata")
	assert.True(t, strings.HasPrefix(msg["id"].(string), "msg_"))
	assert.Equal(t, "thread.message", msg["object"])
	assert.Equal(t, tid, msg["thread_id"])
	assert.Nil(t, msg["assistant_id"])
	assert.Nil(t, msg["run_id"])
	assert.Equal(t, []any{map[string]any{"type": "text", "text": map[string]any{"value": "What is 2+2?", "annotations": []any{}}}}, msg["content"])

	r = postJSON(t, s, base+"/runs", map[string]any{"assistant_id": asst["id"], "instructions": "Override."}, betaHeaders())
	run := ok(t, r)
	conformsTo(t, "RunObject", r.body)
	requireKeys(t, run, "id", "object", "created_at", "thread_id", "assistant_id", "status", "required_action", "last_error",
		"expires_at", "started_at", "cancelled_at", "failed_at", "completed_at", "incomplete_details", "model", "instructions",
		"tools", "metadata", "usage", "max_prompt_tokens", "max_completion_tokens", "truncation_strategy", "tool_choice",
		"parallel_tool_calls", "response_format")
	assert.True(t, strings.HasPrefix(run["id"].(string), "run_"))
	assert.Equal(t, "thread.run", run["object"])
	assert.Equal(t, "queued", run["status"])
	assert.Equal(t, "Override.", run["instructions"])
	assert.Equal(t, "gpt-4.1-nano", run["model"])
	assert.Nil(t, run["usage"])
	assert.Nil(t, run["started_at"])
	runPath := base + "/runs/" + run["id"].(string)

	// A second run while one is active is refused, as is a new message.
	r = postJSON(t, s, base+"/runs", map[string]any{"assistant_id": asst["id"]}, betaHeaders())
	require.Equal(t, http.StatusBadRequest, r.status)
	assert.Contains(t, r.apiError(t)["message"], "already has an active run")
	r = postJSON(t, s, base+"/messages", map[string]any{"role": "user", "content": "more"}, betaHeaders())
	require.Equal(t, http.StatusBadRequest, r.status)

	var statuses []string
	var last map[string]any
	for range 4 {
		r := call(t, s, http.MethodGet, runPath, nil, betaHeaders())
		last = ok(t, r)
		conformsTo(t, "RunObject", r.body)
		statuses = append(statuses, last["status"].(string))
	}
	assert.Equal(t, []string{"in_progress", "completed", "completed", "completed"}, statuses)
	assert.NotNil(t, last["started_at"])
	assert.NotNil(t, last["completed_at"])
	assert.Nil(t, last["expires_at"])
	u := obj(t, last["usage"])
	reply := "This is a fake reply to: What is 2+2?"
	wantPrompt := CountTokens("Override.") + CountTokens("Hello from the thread") + CountTokens("What is 2+2?")
	assert.Equal(t, int64(wantPrompt), num(t, u["prompt_tokens"]))
	assert.Equal(t, int64(CountTokens(reply)), num(t, u["completion_tokens"]))
	assert.Equal(t, int64(wantPrompt+CountTokens(reply)), num(t, u["total_tokens"]))

	r = call(t, s, http.MethodGet, base+"/messages", nil, betaHeaders())
	list := ok(t, r)
	conformsTo(t, "ListMessagesResponse", r.body)
	data := arr(t, list["data"])
	require.Len(t, data, 3)
	newest := obj(t, data[0]) // default order: newest first
	assert.Equal(t, "assistant", newest["role"])
	assert.Equal(t, asst["id"], newest["assistant_id"])
	assert.Equal(t, run["id"], newest["run_id"])
	assert.Equal(t, "completed", newest["status"])
	assert.Equal(t, reply, obj(t, obj(t, arr(t, newest["content"])[0])["text"])["value"])

	r = call(t, s, http.MethodGet, base+"/messages?run_id="+run["id"].(string), nil, betaHeaders())
	assert.Len(t, arr(t, ok(t, r)["data"]), 1)

	// After completion, new messages and runs are allowed again.
	r = postJSON(t, s, base+"/messages", map[string]any{"role": "user", "content": []any{
		map[string]any{"type": "text", "text": "Part one"},
		map[string]any{"type": "image_url", "image_url": map[string]any{"url": "https://example.com/x.png"}},
	}}, betaHeaders())
	ok(t, r)
	conformsTo(t, "MessageObject", r.body)
	r = postJSON(t, s, base+"/runs", map[string]any{"assistant_id": asst["id"]}, betaHeaders())
	run2 := ok(t, r)
	assert.Equal(t, "Default instructions.", run2["instructions"])
}

func TestRunWithJSONFormatAndLimit(t *testing.T) {
	s := newTestServer(t, WithLegacyAssistants())
	asst := createAssistant(t, s, map[string]any{"model": "gpt-4.1-nano", "response_format": map[string]any{"type": "json_object"}})
	th := createThread(t, s, map[string]any{"messages": []any{map[string]any{"role": "user", "content": "json please"}}})
	base := "/v1/threads/" + th["id"].(string)
	run := ok(t, postJSON(t, s, base+"/runs", map[string]any{"assistant_id": asst["id"]}, betaHeaders()))
	for range 2 {
		ok(t, call(t, s, http.MethodGet, base+"/runs/"+run["id"].(string), nil, betaHeaders()))
	}
	list := ok(t, call(t, s, http.MethodGet, base+"/messages?limit=1", nil, betaHeaders()))
	text := obj(t, obj(t, arr(t, obj(t, arr(t, list["data"])[0])["content"])[0])["text"])["value"].(string)
	assert.JSONEq(t, `{"reply":"This is a fake reply to: json please","model":"gpt-4.1-nano"}`, text)
}

func TestAssistantsNotFound(t *testing.T) {
	s := newTestServer(t, WithLegacyAssistants())
	asst := createAssistant(t, s, map[string]any{"model": "gpt-4.1-nano"})
	th := createThread(t, s, map[string]any{})
	tid := th["id"].(string)
	tests := []struct {
		method, path, body, message string
	}{
		{http.MethodPost, "/v1/threads/thread_nope/messages", `{"role":"user","content":"x"}`, "No thread found with id 'thread_nope'."},
		{http.MethodGet, "/v1/threads/thread_nope/messages", ``, "No thread found with id 'thread_nope'."},
		{http.MethodPost, "/v1/threads/thread_nope/runs", `{"assistant_id":"` + asst["id"].(string) + `"}`, "No thread found with id 'thread_nope'."},
		{http.MethodPost, "/v1/threads/" + tid + "/runs", `{"assistant_id":"asst_nope"}`, "No assistant found with id 'asst_nope'."},
		{http.MethodGet, "/v1/threads/" + tid + "/runs/run_nope", ``, "No run found with id 'run_nope'."},
		{http.MethodGet, "/v1/threads/thread_nope/runs/run_nope", ``, "No thread found with id 'thread_nope'."},
		// Ids arrive escaped and are unescaped before lookup.
		{http.MethodGet, "/v1/threads/" + url.PathEscape("thread/with slash") + "/messages", ``, "No thread found with id 'thread/with slash'."},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			r := call(t, s, tt.method, tt.path, strings.NewReader(tt.body), betaHeaders())
			require.Equal(t, http.StatusNotFound, r.status, "body: %s", r.body)
			e := r.apiError(t)
			assert.Equal(t, tt.message, e["message"])
			assert.Equal(t, "invalid_request_error", e["type"])
			assert.Nil(t, e["param"])
			assert.Nil(t, e["code"])
		})
	}
}

func TestPagination(t *testing.T) {
	s := newTestServer(t, WithLegacyAssistants())
	var ids []string // oldest first
	for i := range 5 {
		a := createAssistant(t, s, map[string]any{"model": "gpt-4.1-nano", "name": fmt.Sprint("a", i)})
		ids = append(ids, a["id"].(string))
	}
	rev := []string{ids[4], ids[3], ids[2], ids[1], ids[0]}
	page := func(query string) (got []string, first, last any, more bool) {
		r := call(t, s, http.MethodGet, "/v1/assistants"+query, nil, betaHeaders())
		m := ok(t, r)
		if len(arr(t, m["data"])) > 0 {
			conformsTo(t, "ListAssistantsResponse", r.body)
		}
		requireKeys(t, m, "object", "data", "first_id", "last_id", "has_more")
		assert.Equal(t, "list", m["object"])
		for _, a := range arr(t, m["data"]) {
			got = append(got, obj(t, a)["id"].(string))
		}
		return got, m["first_id"], m["last_id"], m["has_more"].(bool)
	}
	tests := []struct {
		query string
		want  []string
		more  bool
	}{
		{"", rev, false},
		{"?limit=2", rev[:2], true},
		{"?limit=2&after=" + rev[1], rev[2:4], true},
		{"?limit=2&after=" + rev[3], rev[4:], false},
		{"?order=asc", ids, false},
		{"?order=asc&limit=3", ids[:3], true},
		{"?order=asc&after=" + ids[2], ids[3:], false},
		{"?before=" + rev[3], rev[:3], false},
		{"?before=" + rev[3] + "&limit=2", rev[1:3], true},
		{"?after=" + rev[4], nil, false},
		{"?limit=100", rev, false},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			got, first, last, more := page(tt.query)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.more, more)
			if len(tt.want) == 0 {
				assert.Nil(t, first)
				assert.Nil(t, last)
			} else {
				assert.Equal(t, tt.want[0], first)
				assert.Equal(t, tt.want[len(tt.want)-1], last)
			}
		})
	}
	for _, q := range []string{"?limit=0", "?limit=101", "?limit=abc", "?order=up", "?after=asst_nope"} {
		r := call(t, s, http.MethodGet, "/v1/assistants"+q, nil, betaHeaders())
		require.Equal(t, http.StatusBadRequest, r.status, q)
		r.apiError(t)
	}
}

// TestAssistantsOffByDefault: OpenAI sunset the Assistants API on
// 2026-08-26, and its paths now answer as unknown routes; the fake does the
// same unless WithLegacyAssistants is given.
func TestAssistantsOffByDefault(t *testing.T) {
	s := newTestServer(t)
	for _, tt := range []struct{ method, path, body string }{
		{http.MethodPost, "/v1/assistants", `{"model":"gpt-4.1-nano"}`},
		{http.MethodGet, "/v1/assistants", ``},
		{http.MethodPost, "/v1/threads", `{}`},
		{http.MethodPost, "/v1/threads/thread_x/messages", `{"role":"user","content":"x"}`},
		{http.MethodGet, "/v1/threads/thread_x/messages", ``},
		{http.MethodPost, "/v1/threads/thread_x/runs", `{"assistant_id":"asst_x"}`},
		{http.MethodGet, "/v1/threads/thread_x/runs/run_x", ``},
	} {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			for _, h := range []header{betaHeaders(), authHeaders()} {
				r := call(t, s, tt.method, tt.path, strings.NewReader(tt.body), h)
				require.Equal(t, http.StatusNotFound, r.status, "body: %s", r.body)
				e := r.apiError(t)
				assert.Equal(t, "Invalid URL ("+tt.method+" "+tt.path+")", e["message"])
				assert.Equal(t, "invalid_request_error", e["type"])
				assert.Nil(t, e["param"])
				assert.Nil(t, e["code"])
			}
			// Without a key, 401 comes first, as for any unknown route.
			require.Equal(t, http.StatusUnauthorized, call(t, s, tt.method, tt.path, nil, nil).status)
		})
	}
	// The option brings them back.
	legacy := newTestServer(t, WithLegacyAssistants())
	createAssistant(t, legacy, map[string]any{"model": "gpt-4.1-nano"})
	ok(t, call(t, legacy, http.MethodGet, "/v1/assistants", nil, betaHeaders()))
}

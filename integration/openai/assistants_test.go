package openai_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai"
	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
	"github.com/kosmo-run/kosmo/store/sqlite"
)

// today is a caller of the assistants functions on today's API (the
// default backend), against a fresh fake, with an in-memory store.
type today struct {
	t      *testing.T
	srv    *openaitest.Server
	in     *integration.Integration
	acct   *integration.Account
	caller *integration.Caller
}

func newToday(t *testing.T, policy integration.Policy) *today {
	srv := openaitest.NewServer()
	t.Cleanup(srv.Close)
	db, err := sqlite.Open(context.Background(), ":memory:")
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	client := integration.NewClient()
	client.MaxRetries = -1
	return &today{t: t, srv: srv, in: openai.New(),
		acct:   &integration.Account{Name: "work", Key: integration.NewSecret(openaitest.DefaultAPIKey), BaseURL: srv.BaseURL(), Organization: "org-1", Project: "proj_1"},
		caller: &integration.Caller{Client: client, Store: db, Policy: policy}}
}

// call validates raw and calls fn; it returns the decoded result.
func (d *today) call(fn string, raw map[string]any) (map[string]any, integration.CallInfo, error) {
	d.t.Helper()
	f := function(d.t, d.in, fn)
	args, err := f.Validate(raw)
	require.NoError(d.t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, info, err := d.caller.Call(ctx, d.in, f, d.acct, args)
	if err != nil {
		return nil, info, err
	}
	var out map[string]any
	if res.JSON != nil {
		require.NoError(d.t, json.Unmarshal(res.JSON, &out))
	} else {
		data, err := json.Marshal(res.Value)
		require.NoError(d.t, err)
		require.NoError(d.t, json.Unmarshal(data, &out))
	}
	return out, info, nil
}

func (d *today) must(fn string, raw map[string]any) (map[string]any, integration.CallInfo) {
	d.t.Helper()
	out, info, err := d.call(fn, raw)
	require.NoError(d.t, err)
	return out, info
}

// TestTodaysAssistantsRequests checks each request the mapping sends: the
// endpoint, the exact headers (no OpenAI-Beta) and the exact JSON bodies.
func TestTodaysAssistantsRequests(t *testing.T) {
	d := newToday(t, integration.Policy{})
	asst, info := d.must("openai_create_assistant", map[string]any{"model": "gpt-4.1-nano", "instructions": "Be brief.",
		"tools": []any{map[string]any{"type": "code_interpreter"}}})
	assert.Empty(t, d.srv.Requests(), "an assistant is kept by kosmo")
	assert.Equal(t, []integration.RequestInfo{}, info.Requests, "the call log says no request was made")

	thread, _ := d.must("openai_create_thread", map[string]any{"messages": []any{map[string]any{"role": "user", "content": "Hi"}}})
	d.must("openai_add_message_to_thread", map[string]any{"thread_id": thread["id"], "role": "user", "content": "More"})
	run, _ := d.must("openai_create_run", map[string]any{"thread_id": thread["id"], "assistant_id": asst["id"]})
	_, getInfo := d.must("openai_get_run", map[string]any{"thread_id": thread["id"], "run_id": run["id"]})
	_, listInfo := d.must("openai_list_thread_messages", map[string]any{"thread_id": thread["id"], "limit": float64(5)})

	reqs := d.srv.Requests()
	require.Len(t, reqs, 5)
	id := fmt.Sprint(thread["id"])
	want := []struct{ method, path, query, body string }{
		{"POST", "/v1/conversations", "", `{"items":[{"content":"Hi","role":"user","type":"message"}]}`},
		{"POST", "/v1/conversations/" + id + "/items", "", `{"items":[{"content":"More","role":"user","type":"message"}]}`},
		{"POST", "/v1/responses", "", fmt.Sprintf(`{"background":true,"conversation":%q,"instructions":"Be brief.","metadata":{"assistant_id":%q},`+
			`"model":"gpt-4.1-nano","store":true,"tools":[{"container":{"type":"auto"},"type":"code_interpreter"}]}`, id, asst["id"])},
		{"GET", "/v1/responses/" + fmt.Sprint(run["id"]), "", ""},
		{"GET", "/v1/conversations/" + id + "/items", "limit=5&order=desc", ""},
	}
	for i, w := range want {
		r := reqs[i]
		assert.Equal(t, w.method, r.Method, i)
		assert.Equal(t, w.path, r.Path, i)
		assert.Equal(t, w.query, r.RawQuery, i)
		assert.Equal(t, w.body, string(r.Body), i)
		headers := map[string]string{}
		for k := range r.Header {
			headers[k] = r.Header.Get(k)
		}
		wantHeaders := map[string]string{"Authorization": "Bearer " + openaitest.DefaultAPIKey, "User-Agent": "kosmo",
			"Accept-Encoding": "gzip", "Accept": "application/json", "Openai-Organization": "org-1", "Openai-Project": "proj_1"}
		if w.method == "POST" {
			wantHeaders["Content-Type"] = "application/json"
			wantHeaders["Content-Length"] = fmt.Sprint(len(r.Body))
		}
		assert.Equal(t, wantHeaders, headers, "exactly these headers, no OpenAI-Beta (request %d)", i)
	}
	require.Len(t, getInfo.Requests, 1)
	assert.Equal(t, integration.RequestInfo{Method: "GET", Endpoint: "/responses/{response_id}", Status: 200, Attempts: 1,
		RequestID: getInfo.Requests[0].RequestID, Duration: getInfo.Requests[0].Duration}, getInfo.Requests[0])
	assert.Equal(t, "/conversations/{conversation_id}/items", listInfo.Requests[0].Endpoint, "named by template, no ids")
}

// TestTodaysAssistantsDryRun: a dry run plans every request (the ones
// after the first against the id the first would return) and what would
// be stored, and sends and stores nothing.
func TestTodaysAssistantsDryRun(t *testing.T) {
	d := newToday(t, integration.Policy{DryRun: true})
	plan, info := d.must("openai_create_assistant", map[string]any{"model": "gpt-4.1-nano", "name": "Dry"})
	assert.True(t, info.DryRun)
	assert.Equal(t, true, plan["dry_run"])
	assert.Equal(t, []any{}, plan["requests"])
	stored := plan["store"].([]any)[0].(map[string]any)
	assert.Equal(t, "put", stored["action"])
	assert.Equal(t, "Dry", stored["record"].(map[string]any)["name"])

	messages := make([]any, 25)
	for i := range messages {
		messages[i] = map[string]any{"role": "user", "content": fmt.Sprint(i + 1)}
	}
	plan, _ = d.must("openai_create_thread", map[string]any{"messages": messages})
	requests := plan["requests"].([]any)
	require.Len(t, requests, 2)
	first, second := requests[0].(map[string]any), requests[1].(map[string]any)
	assert.Equal(t, d.srv.BaseURL()+"/conversations", first["url"])
	assert.Equal(t, first["url"], plan["url"], "the first request at the top, as every dry run shows it")
	assert.Len(t, first["body"].(map[string]any)["items"], 20)
	assert.Equal(t, d.srv.BaseURL()+"/conversations/{conversation_id}/items", second["url"])
	assert.Len(t, second["body"].(map[string]any)["items"], 5)
	assert.Empty(t, d.srv.Requests(), "nothing sent")

	_, _, err := d.call("openai_create_run", map[string]any{"thread_id": "conv_1", "assistant_id": "asst_unknown"})
	var ae *integration.APIError
	require.ErrorAs(t, err, &ae, "a dry run still needs the assistant it would run")
	assert.Equal(t, 404, ae.Status)
}

// TestTodaysAssistantsKeepTheirFields: what a script passes to
// create_assistant comes back from the store in list_assistants.
func TestTodaysAssistantsKeepTheirFields(t *testing.T) {
	d := newToday(t, integration.Policy{})
	made, _ := d.must("openai_create_assistant", map[string]any{"model": "gpt-4.1-nano", "name": "N", "description": "D",
		"instructions": "I", "tools": []any{map[string]any{"type": "function", "function": map[string]any{"name": "f"}}}})
	list, _ := d.must("openai_list_assistants", map[string]any{})
	require.Len(t, list["data"], 1)
	assert.Equal(t, made, list["data"].([]any)[0])
	assert.Equal(t, "assistant", made["object"])
	for _, k := range []string{"id", "created_at", "name", "description", "model", "instructions", "tools", "tool_resources", "metadata"} {
		assert.Contains(t, made, k)
	}
}

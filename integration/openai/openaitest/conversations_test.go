package openaitest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func createConversation(t *testing.T, s *Server, body any) map[string]any {
	t.Helper()
	r := postJSON(t, s, "/v1/conversations", body, authHeaders())
	m := ok(t, r)
	conformsTo(t, "ConversationResource", r.body)
	return m
}

// listItems lists a conversation's items with a query and checks the page.
func listItems(t *testing.T, s *Server, convID, query string) map[string]any {
	t.Helper()
	r := call(t, s, http.MethodGet, "/v1/conversations/"+convID+"/items"+query, nil, authHeaders())
	m := ok(t, r)
	requireKeys(t, m, "object", "data", "first_id", "last_id", "has_more")
	assert.Equal(t, "list", m["object"])
	if len(arr(t, m["data"])) > 0 {
		conformsTo(t, "ConversationItemList", r.body)
	}
	return m
}

func itemIDs(t *testing.T, list map[string]any) []string {
	t.Helper()
	var ids []string
	for _, it := range arr(t, list["data"]) {
		ids = append(ids, obj(t, it)["id"].(string))
	}
	return ids
}

func TestConversationCreateAndGet(t *testing.T) {
	s := newTestServer(t)
	conv := createConversation(t, s, map[string]any{
		"metadata": map[string]any{"topic": "demo"},
		"items": []any{
			map[string]any{"role": "system", "content": "Be brief."},
			map[string]any{"type": "message", "role": "user", "content": "Hello!"},
			map[string]any{"role": "assistant", "content": "Hi there."},
			map[string]any{"role": "user", "content": []any{
				map[string]any{"type": "input_text", "text": "Look at"},
				map[string]any{"type": "input_image", "image_url": "https://example.com/cat.png"},
				map[string]any{"type": "input_file", "file_id": "file-123"},
				map[string]any{"type": "input_text", "text": "these."},
			}},
			map[string]any{"type": "message", "id": "msg_given", "status": "completed", "role": "assistant", "phase": "final_answer",
				"content": []any{map[string]any{"type": "output_text", "text": "Seen.", "annotations": []any{}}}},
			map[string]any{"role": "developer", "content": []any{map[string]any{"type": "input_text", "text": "Rules."}}},
		},
	})
	requireKeys(t, conv, "id", "object", "created_at", "metadata")
	assert.Len(t, conv, 4)
	id := conv["id"].(string)
	assert.True(t, strings.HasPrefix(id, "conv_"))
	assert.Equal(t, "conversation", conv["object"])
	assert.Equal(t, map[string]any{"topic": "demo"}, conv["metadata"])
	assert.Positive(t, num(t, conv["created_at"]))

	r := call(t, s, http.MethodGet, "/v1/conversations/"+id, nil, authHeaders())
	assert.Equal(t, conv, ok(t, r))
	conformsTo(t, "ConversationResource", r.body)

	bare := createConversation(t, s, `{}`)
	assert.Equal(t, map[string]any{}, bare["metadata"])
	empty := createConversation(t, s, "")
	assert.NotEqual(t, bare["id"], empty["id"])

	list := listItems(t, s, id, "?order=asc")
	data := arr(t, list["data"])
	require.Len(t, data, 6)
	for _, it := range data {
		m := obj(t, it)
		requireKeys(t, m, "type", "id", "status", "role", "content")
		assert.Equal(t, "message", m["type"])
		assert.Equal(t, "completed", m["status"])
		assert.True(t, strings.HasPrefix(m["id"].(string), "msg_"), m["id"])
	}
	content := func(i int) []any { return arr(t, obj(t, data[i])["content"]) }
	assert.Equal(t, []any{map[string]any{"type": "input_text", "text": "Be brief."}}, content(0))
	assert.Equal(t, "system", obj(t, data[0])["role"])
	assert.Equal(t, []any{map[string]any{"type": "input_text", "text": "Hello!"}}, content(1))
	assert.Equal(t, []any{map[string]any{"type": "output_text", "text": "Hi there.", "annotations": []any{}, "logprobs": []any{}}}, content(2))
	assert.Equal(t, []any{
		map[string]any{"type": "input_text", "text": "Look at"},
		map[string]any{"type": "input_image", "detail": "auto", "file_id": nil, "image_url": "https://example.com/cat.png"},
		map[string]any{"type": "input_file", "file_id": "file-123"},
		map[string]any{"type": "input_text", "text": "these."},
	}, content(3))
	assert.Equal(t, "msg_given", obj(t, data[4])["id"])
	assert.NotContains(t, obj(t, data[4]), "phase")
	assert.Equal(t, []any{map[string]any{"type": "output_text", "text": "Seen.", "annotations": []any{}, "logprobs": []any{}}}, content(4))
	assert.Equal(t, "developer", obj(t, data[5])["role"])
}

func TestConversationValidation(t *testing.T) {
	s := newTestServer(t)
	many := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = `{"role":"user","content":"x"}`
		}
		return `{"items":[` + strings.Join(parts, ",") + `]}`
	}
	manyKeys := make([]string, 17)
	for i := range manyKeys {
		manyKeys[i] = fmt.Sprintf(`"k%d":"v"`, i)
	}
	tests := []struct {
		name, body, param, code string
	}{
		{"unknown field", `{"title":"x"}`, "title", "unknown_parameter"},
		{"21 items", many(21), "items", "array_above_max_length"},
		{"items not an array", `{"items":{}}`, "items", "invalid_type"},
		{"17 metadata pairs", `{"metadata":{` + strings.Join(manyKeys, ",") + `}}`, "metadata", "object_above_max_properties"},
		{"metadata key too long", `{"metadata":{"` + strings.Repeat("k", 65) + `":"v"}}`, "metadata", "invalid_value"},
		{"metadata value too long", `{"metadata":{"k":"` + strings.Repeat("v", 513) + `"}}`, "metadata.k", "string_above_max_length"},
		{"item not an object", `{"items":[7]}`, "items[0]", "invalid_type"},
		{"item without a role", `{"items":[{}]}`, "items[0]", "invalid_value"},
		{"item with an unknown role", `{"items":[{"role":"robot","content":"x"}]}`, "items[0]", "invalid_value"},
		{"item with an unknown type", `{"items":[{"type":"bogus","role":"user","content":"x"}]}`, "items[0]", "invalid_value"},
		{"item type the fake does not take", `{"items":[{"type":"reasoning","summary":[]}]}`, "items[0].type", "unsupported_by_fake"},
		{"item without content", `{"items":[{"role":"user"}]}`, "items[0].content", "missing_required_parameter"},
		{"item with an unknown field", `{"items":[{"role":"user","content":"x","bogus":1}]}`, "items[0].bogus", "unknown_parameter"},
		{"phase on a user item", `{"items":[{"role":"user","content":"x","phase":"final_answer"}]}`, "items[0].phase", "unknown_parameter"},
		{"content of a wrong type", `{"items":[{"role":"user","content":7}]}`, "items[0].content", "invalid_type"},
		{"part of an unknown type", `{"items":[{"role":"user","content":[{"type":"bogus","text":"x"}]}]}`, "items[0].content[0].type", "invalid_value"},
		{"output_text from the user", `{"items":[{"role":"user","content":[{"type":"output_text","text":"x"}]}]}`, "items[0].content[0]", "invalid_value"},
		{"input_text from the assistant", `{"items":[{"role":"assistant","content":[{"type":"input_text","text":"x"}]}]}`, "items[0].content[0]", "invalid_value"},
		{"part without text", `{"items":[{"role":"user","content":[{"type":"input_text"}]}]}`, "items[0].content[0].text", "missing_required_parameter"},
		{"image without a source", `{"items":[{"role":"user","content":[{"type":"input_image"}]}]}`, "items[0].content[0].image_url", "missing_required_parameter"},
		{"image detail", `{"items":[{"role":"user","content":[{"type":"input_image","image_url":"u","detail":"max"}]}]}`, "items[0].content[0].detail", "invalid_value"},
		{"item status", `{"items":[{"role":"user","content":"x","status":"done"}]}`, "items[0].status", "invalid_value"},
		{"call output without output", `{"items":[{"type":"function_call_output","call_id":"c"}]}`, "items[0].output", "missing_required_parameter"},
		{"second item", `{"items":[{"role":"user","content":"x"},{"role":"user"}]}`, "items[1].content", "missing_required_parameter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := postJSON(t, s, "/v1/conversations", tt.body, authHeaders())
			require.Equal(t, http.StatusBadRequest, r.status, "body: %s", r.body)
			e := r.apiError(t)
			assert.Equal(t, tt.param, e["param"])
			assert.Equal(t, tt.code, e["code"])
			assert.Equal(t, "invalid_request_error", e["type"])
		})
	}
	// The exact wording of the real API for two of them.
	e := postJSON(t, s, "/v1/conversations", `{"items":[{"role":"robot","content":"x"}]}`, authHeaders()).apiError(t)
	assert.Equal(t, "Invalid value: 'robot'. Supported values are: 'assistant', 'system', 'developer', and 'user'.", e["message"])
	e = postJSON(t, s, "/v1/conversations", `{"items":[{"role":"assistant","content":[{"type":"input_text","text":"x"}]}]}`, authHeaders()).apiError(t)
	assert.Equal(t, "Invalid value: 'input_text'. Supported values are: 'output_text' and 'refusal'.", e["message"])
	e = postJSON(t, s, "/v1/conversations", `{"items":[7]}`, authHeaders()).apiError(t)
	assert.Equal(t, "Invalid type for 'items[0]': expected an input item, but got an integer instead.", e["message"])

	// 20 items and 16 metadata pairs are fine.
	createConversation(t, s, many(20))
	createConversation(t, s, `{"metadata":{`+strings.Join(manyKeys[:16], ",")+`}}`)
}

func TestConversationItemsCreate(t *testing.T) {
	s := newTestServer(t)
	conv := createConversation(t, s, map[string]any{"items": []any{map[string]any{"role": "user", "content": "one"}}})
	path := "/v1/conversations/" + conv["id"].(string) + "/items"

	r := postJSON(t, s, path, map[string]any{"items": []any{
		map[string]any{"type": "message", "role": "user", "content": []any{map[string]any{"type": "input_text", "text": "two"}}},
		map[string]any{"role": "assistant", "content": "three"},
		map[string]any{"type": "function_call", "call_id": "call_1", "name": "lookup", "arguments": `{"q":"x"}`},
		map[string]any{"type": "function_call_output", "call_id": "call_1", "output": "found"},
	}}, authHeaders())
	list := ok(t, r)
	conformsTo(t, "ConversationItemList", r.body)
	data := arr(t, list["data"])
	require.Len(t, data, 4)
	assert.Equal(t, "list", list["object"])
	assert.Equal(t, false, list["has_more"])
	assert.Equal(t, obj(t, data[0])["id"], list["first_id"])
	assert.Equal(t, obj(t, data[3])["id"], list["last_id"])
	assert.Equal(t, "two", obj(t, arr(t, obj(t, data[0])["content"])[0])["text"])
	assert.Equal(t, "output_text", obj(t, arr(t, obj(t, data[1])["content"])[0])["type"])
	call1 := obj(t, data[2])
	assert.True(t, strings.HasPrefix(call1["id"].(string), "fc_"))
	assert.Equal(t, map[string]any{"type": "function_call", "id": call1["id"], "call_id": "call_1", "name": "lookup",
		"arguments": `{"q":"x"}`, "status": "completed"}, call1)
	out := obj(t, data[3])
	assert.True(t, strings.HasPrefix(out["id"].(string), "fco_"))
	assert.Equal(t, map[string]any{"type": "function_call_output", "id": out["id"], "call_id": "call_1", "output": "found",
		"status": "completed"}, out)

	all := listItems(t, s, conv["id"].(string), "?order=asc")
	assert.Len(t, arr(t, all["data"]), 5)

	tests := []struct {
		name, path, body string
		status           int
		param, message   string
	}{
		{"no items", path, `{}`, 400, "items", "Missing required parameter: 'items'."},
		{"empty body", path, ``, 400, "items", "Missing required parameter: 'items'."},
		{"empty items", path, `{"items":[]}`, 400, "items",
			"Invalid 'items': empty array. Expected an array with minimum length 1, but got an empty array instead."},
		{"21 items", path, `{"items":[` + strings.Repeat(`{"role":"user","content":"x"},`, 20) + `{"role":"user","content":"x"}]}`, 400, "items",
			"Invalid 'items': array too long. Expected an array with maximum length 20, but got an array with length 21 instead."},
		{"unknown field", path, `{"items":[{"role":"user","content":"x"}],"metadata":{}}`, 400, "metadata", "Unknown parameter: 'metadata'."},
		{"bad include", path + "?include=bogus", `{"items":[{"role":"user","content":"x"}]}`, 400, "include[0]", ""},
		{"unknown conversation", "/v1/conversations/conv_nope/items", `{"items":[{"role":"user","content":"x"}]}`, 404, "",
			"Conversation with id 'conv_nope' not found."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := postJSON(t, s, tt.path, tt.body, authHeaders())
			require.Equal(t, tt.status, r.status, "body: %s", r.body)
			e := r.apiError(t)
			if tt.param == "" {
				assert.Nil(t, e["param"])
			} else {
				assert.Equal(t, tt.param, e["param"])
			}
			if tt.message != "" {
				assert.Equal(t, tt.message, e["message"])
			}
		})
	}
	// Nothing was added by the refused requests.
	assert.Len(t, arr(t, listItems(t, s, conv["id"].(string), "")["data"]), 5)
}

func TestConversationItemsPagination(t *testing.T) {
	s := newTestServer(t)
	conv := createConversation(t, s, map[string]any{"items": []any{
		map[string]any{"role": "user", "content": "a"},
		map[string]any{"role": "assistant", "content": "b"},
		map[string]any{"role": "user", "content": "c"},
	}})
	id := conv["id"].(string)
	ok(t, postJSON(t, s, "/v1/conversations/"+id+"/items", map[string]any{"items": []any{
		map[string]any{"role": "user", "content": "d"}, map[string]any{"role": "user", "content": "e"},
	}}, authHeaders()))
	ids := itemIDs(t, listItems(t, s, id, "?order=asc")) // oldest first
	require.Len(t, ids, 5)
	rev := []string{ids[4], ids[3], ids[2], ids[1], ids[0]}

	tests := []struct {
		query string
		want  []string
		more  bool
	}{
		{"", rev, false},
		{"?order=desc", rev, false},
		{"?limit=2", rev[:2], true},
		{"?limit=2&after=" + rev[1], rev[2:4], true},
		{"?limit=2&after=" + rev[3], rev[4:], false},
		{"?order=asc", ids, false},
		{"?order=asc&limit=3", ids[:3], true},
		{"?order=asc&after=" + ids[2], ids[3:], false},
		{"?after=" + rev[4], nil, false},
		{"?limit=100", rev, false},
		{"?limit=1", rev[:1], true},
		{"?include=message.input_image.image_url&include=message.output_text.logprobs", rev, false},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			m := listItems(t, s, id, tt.query)
			got := itemIDs(t, m)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.more, m["has_more"])
			if len(tt.want) == 0 {
				assert.Nil(t, m["first_id"])
				assert.Nil(t, m["last_id"])
			} else {
				assert.Equal(t, tt.want[0], m["first_id"])
				assert.Equal(t, tt.want[len(tt.want)-1], m["last_id"])
			}
		})
	}
	// More than the default page of 20.
	big := createConversation(t, s, map[string]any{"items": []any{}})
	for range 2 {
		items := make([]any, 15)
		for i := range items {
			items[i] = map[string]any{"role": "user", "content": fmt.Sprint(i)}
		}
		ok(t, postJSON(t, s, "/v1/conversations/"+big["id"].(string)+"/items", map[string]any{"items": items}, authHeaders()))
	}
	page := listItems(t, s, big["id"].(string), "")
	assert.Len(t, arr(t, page["data"]), 20)
	assert.Equal(t, true, page["has_more"])

	empty := createConversation(t, s, `{}`)
	m := listItems(t, s, empty["id"].(string), "")
	assert.Equal(t, []any{}, m["data"])
	assert.Nil(t, m["first_id"])
	assert.Nil(t, m["last_id"])
	assert.Equal(t, false, m["has_more"])

	for _, tt := range []struct{ query, param string }{
		{"?limit=0", "limit"}, {"?limit=101", "limit"}, {"?limit=abc", "limit"}, {"?order=up", "order"},
		{"?after=msg_nope", "after"}, {"?include=bogus", "include[0]"}, {"?include[]=bogus", "include[0]"},
	} {
		r := call(t, s, http.MethodGet, "/v1/conversations/"+id+"/items"+tt.query, nil, authHeaders())
		require.Equal(t, http.StatusBadRequest, r.status, tt.query)
		assert.Equal(t, tt.param, r.apiError(t)["param"], tt.query)
	}
}

func TestConversationNotFound(t *testing.T) {
	s := newTestServer(t)
	for _, tt := range []struct{ method, path, body string }{
		{http.MethodGet, "/v1/conversations/conv_nope", ""},
		{http.MethodGet, "/v1/conversations/conv_nope/items", ""},
		{http.MethodPost, "/v1/conversations/conv_nope/items", `{"items":[{"role":"user","content":"x"}]}`},
	} {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			r := call(t, s, tt.method, tt.path, strings.NewReader(tt.body), authHeaders())
			require.Equal(t, http.StatusNotFound, r.status, "body: %s", r.body)
			e := r.apiError(t)
			assert.Equal(t, "Conversation with id 'conv_nope' not found.", e["message"])
			assert.Equal(t, "invalid_request_error", e["type"])
			assert.Nil(t, e["param"])
			assert.Nil(t, e["code"])
		})
	}
	// Methods the fake does not serve are unknown routes, as for the real API's
	// paths that do not exist.
	r := call(t, s, http.MethodGet, "/v1/conversations", nil, authHeaders())
	require.Equal(t, http.StatusNotFound, r.status)
	assert.Equal(t, "Invalid URL (GET /v1/conversations)", r.apiError(t)["message"])
	// A key is needed.
	require.Equal(t, http.StatusUnauthorized, call(t, s, http.MethodGet, "/v1/conversations/conv_nope", nil, nil).status)
}

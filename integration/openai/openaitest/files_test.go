package openaitest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func upload(t *testing.T, s *Server, name, purpose string, data []byte) map[string]any {
	t.Helper()
	r := postForm(t, s, "/v1/files", []formPart{{name: "file", filename: name, data: data}, field("purpose", purpose)}, authHeaders())
	m := ok(t, r)
	if purpose != "evals" && purpose != "assistants_output" { // the spec's enum lacks these two
		conformsTo(t, "OpenAIFile", r.body)
	}
	return m
}

func TestFiles(t *testing.T) {
	s := newTestServer(t)
	f := upload(t, s, "notes.jsonl", "batch", []byte(`{"a":1}`+"\n"))
	requireKeys(t, f, "id", "object", "bytes", "created_at", "filename", "purpose", "status", "expires_at")
	assert.True(t, strings.HasPrefix(f["id"].(string), "file-"))
	assert.Equal(t, "file", f["object"])
	assert.Equal(t, int64(8), num(t, f["bytes"]))
	assert.Equal(t, "notes.jsonl", f["filename"])
	assert.Equal(t, "batch", f["purpose"])
	assert.Equal(t, "processed", f["status"])
	assert.Equal(t, num(t, f["created_at"])+30*24*3600, num(t, f["expires_at"]))

	data, found := s.Handler().File(f["id"].(string))
	require.True(t, found)
	assert.Equal(t, `{"a":1}`+"\n", string(data))

	for _, p := range filePurposes {
		g := upload(t, s, "dir/sub/"+p+".txt", p, []byte("x"))
		assert.Equal(t, p+".txt", g["filename"], "directories are dropped")
		if p != "batch" {
			assert.NotContains(t, g, "expires_at")
		}
	}
	r := postForm(t, s, "/v1/files", []formPart{{name: "file", filename: "a.txt", data: []byte("x")}, field("purpose", "assistants"),
		field("expires_after[anchor]", "created_at"), field("expires_after[seconds]", "3600")}, authHeaders())
	g := ok(t, r)
	assert.Equal(t, num(t, g["created_at"])+3600, num(t, g["expires_at"]))
}

func TestFilesErrors(t *testing.T) {
	s := newTestServer(t)
	for _, tt := range []struct {
		name  string
		parts []formPart
		param string
	}{
		{"no file", []formPart{field("purpose", "batch")}, "file"},
		{"no purpose", []formPart{{name: "file", filename: "a", data: []byte("x")}}, "purpose"},
		{"bad purpose", []formPart{{name: "file", filename: "a", data: []byte("x")}, field("purpose", "fun")}, "purpose"},
		{"short expiry", []formPart{{name: "file", filename: "a", data: []byte("x")}, field("purpose", "batch"),
			field("expires_after[anchor]", "created_at"), field("expires_after[seconds]", "60")}, "expires_after.seconds"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := postForm(t, s, "/v1/files", tt.parts, authHeaders())
			require.Equal(t, http.StatusBadRequest, r.status, "body: %s", r.body)
			assert.Equal(t, tt.param, r.apiError(t)["param"])
		})
	}
	r := call(t, s, http.MethodPost, "/v1/files", strings.NewReader("--x\r\nbroken"),
		header{"Authorization": "Bearer " + DefaultAPIKey, "Content-Type": "multipart/form-data; boundary=x"})
	require.Equal(t, http.StatusBadRequest, r.status)
	r.apiError(t)
}

func TestFilesList(t *testing.T) {
	s := newTestServer(t)
	var batch []string
	for i, p := range []string{"batch", "assistants", "batch", "vision", "batch"} {
		f := upload(t, s, "f"+string(rune('a'+i)), p, []byte("x"))
		if p == "batch" {
			batch = append(batch, f["id"].(string))
		}
	}
	list := func(q string) (ids []string, m map[string]any) {
		r := call(t, s, http.MethodGet, "/v1/files"+q, nil, authHeaders())
		m = ok(t, r)
		requireKeys(t, m, "object", "data", "first_id", "last_id", "has_more")
		if len(arr(t, m["data"])) > 0 {
			conformsTo(t, "ListFilesResponse", r.body)
		}
		for _, f := range arr(t, m["data"]) {
			ids = append(ids, obj(t, f)["id"].(string))
		}
		return ids, m
	}
	all, m := list("")
	assert.Len(t, all, 5)
	assert.False(t, m["has_more"].(bool))

	ids, _ := list("?purpose=batch&order=asc")
	assert.Equal(t, batch, ids)
	ids, m = list("?purpose=batch&limit=2")
	assert.Equal(t, []string{batch[2], batch[1]}, ids)
	assert.True(t, m["has_more"].(bool))
	assert.Equal(t, batch[2], m["first_id"])
	assert.Equal(t, batch[1], m["last_id"])
	ids, m = list("?purpose=batch&limit=2&after=" + batch[1])
	assert.Equal(t, []string{batch[0]}, ids)
	assert.False(t, m["has_more"].(bool))

	ids, m = list("?purpose=fine-tune")
	assert.Empty(t, ids)
	assert.Nil(t, m["first_id"])
	assert.Nil(t, m["last_id"])
	assert.Equal(t, []any{}, m["data"])

	for _, q := range []string{"?limit=0", "?limit=10001"} {
		require.Equal(t, http.StatusBadRequest, call(t, s, http.MethodGet, "/v1/files"+q, nil, authHeaders()).status)
	}
}

func TestModels(t *testing.T) {
	s := newTestServer(t)
	r := call(t, s, http.MethodGet, "/v1/models", nil, authHeaders())
	m := ok(t, r)
	conformsTo(t, "ListModelsResponse", r.body)
	assert.Equal(t, "list", m["object"])
	ids := map[string]bool{}
	for _, x := range arr(t, m["data"]) {
		mo := obj(t, x)
		requireKeys(t, mo, "id", "object", "created", "owned_by")
		assert.Equal(t, "model", mo["object"])
		assert.Contains(t, []string{"system", "openai", "openai-internal"}, mo["owned_by"])
		assert.Greater(t, num(t, mo["created"]), int64(1600000000))
		ids[mo["id"].(string)] = true
	}
	want := []string{"gpt-4o", "gpt-4o-mini", "gpt-4-turbo", "gpt-3.5-turbo", "o3-mini", "text-embedding-3-small",
		"text-embedding-3-large", "text-embedding-ada-002", "dall-e-2", "dall-e-3", "gpt-image-1", "whisper-1",
		"tts-1", "tts-1-hd", "gpt-4o-mini-tts"}
	for _, m := range modelTable {
		want = append(want, m.id)
	}
	for _, id := range want {
		assert.True(t, ids[id], "GET /v1/models lacks %s", id)
	}
	assert.Len(t, ids, len(modelTable), "GET /v1/models lists the model table, once each")

	r = call(t, s, http.MethodGet, "/v1/models/whisper-1", nil, authHeaders())
	conformsTo(t, "Model", r.body)
	assert.Equal(t, "whisper-1", ok(t, r)["id"])
	r = call(t, s, http.MethodGet, "/v1/models/gpt-9", nil, authHeaders())
	require.Equal(t, http.StatusNotFound, r.status)
	assert.Equal(t, "model_not_found", r.apiError(t)["code"])
}

package openaitest

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// embedResp decodes an embeddings answer keeping the raw vectors.
type embedResp struct {
	Object string `json:"object"`
	Model  string `json:"model"`
	Data   []struct {
		Object    string          `json:"object"`
		Index     int             `json:"index"`
		Embedding json.RawMessage `json:"embedding"`
	} `json:"data"`
	Usage struct {
		PromptTokens int `json:"prompt_tokens"`
		TotalTokens  int `json:"total_tokens"`
	} `json:"usage"`
}

func embedRequest(t *testing.T, s *Server, req map[string]any) (embedResp, []byte) {
	t.Helper()
	r := postJSON(t, s, "/v1/embeddings", req, authHeaders())
	ok(t, r)
	if req["encoding_format"] != "base64" { // the spec only models float arrays
		conformsTo(t, "CreateEmbeddingResponse", r.body)
	}
	var e embedResp
	require.NoError(t, json.Unmarshal(r.body, &e))
	return e, r.body
}

func floats(t *testing.T, raw json.RawMessage) []float32 {
	t.Helper()
	var v []json.Number
	require.NoError(t, json.Unmarshal(raw, &v))
	out := make([]float32, len(v))
	for i, x := range v {
		f, err := strconv.ParseFloat(string(x), 32)
		require.NoError(t, err)
		out[i] = float32(f)
	}
	return out
}

func cosine(a, b []float32) float64 {
	var dot float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
	}
	return dot
}

func norm(v []float32) float64 { return math.Sqrt(cosine(v, v)) }

func TestEmbeddings(t *testing.T) {
	s := newTestServer(t)
	for _, tt := range []struct {
		model string
		dims  any
		want  int
	}{
		{"text-embedding-3-small", nil, 1536},
		{"text-embedding-3-large", nil, 3072},
		{"text-embedding-ada-002", nil, 1536},
		{"text-embedding-3-small", 256, 256},
		{"text-embedding-3-large", 1, 1},
	} {
		t.Run(tt.model+"/"+strconv.Itoa(tt.want), func(t *testing.T) {
			req := map[string]any{"model": tt.model, "input": []any{"The cat sat.", "A dog ran!"}}
			if tt.dims != nil {
				req["dimensions"] = tt.dims
			}
			e, _ := embedRequest(t, s, req)
			assert.Equal(t, "list", e.Object)
			assert.Equal(t, tt.model, e.Model)
			require.Len(t, e.Data, 2)
			for i, d := range e.Data {
				assert.Equal(t, "embedding", d.Object)
				assert.Equal(t, i, d.Index)
				v := floats(t, d.Embedding)
				require.Len(t, v, tt.want)
				assert.InDelta(t, 1, norm(v), 1e-5)
			}
			assert.Equal(t, CountTokens("The cat sat.")+CountTokens("A dog ran!"), e.Usage.PromptTokens)
			assert.Equal(t, e.Usage.PromptTokens, e.Usage.TotalTokens)
		})
	}
}

func TestEmbeddingsDeterministicAndSimilar(t *testing.T) {
	s := newTestServer(t)
	texts := []any{
		"The quick brown fox jumps over the lazy dog",
		"A quick brown fox leaps over a lazy dog",
		"Quarterly revenue grew by twelve percent in Europe",
	}
	a, bodyA := embedRequest(t, s, map[string]any{"model": "text-embedding-3-small", "input": texts})
	_, bodyB := embedRequest(t, s, map[string]any{"model": "text-embedding-3-small", "input": texts})
	require.Equal(t, string(bodyA), string(bodyB), "same input, same bytes")

	v0, v1, v2 := floats(t, a.Data[0].Embedding), floats(t, a.Data[1].Embedding), floats(t, a.Data[2].Embedding)
	related, unrelated := cosine(v0, v1), cosine(v0, v2)
	t.Logf("related %.3f, unrelated %.3f", related, unrelated)
	assert.Greater(t, related, 0.4)
	assert.Less(t, math.Abs(unrelated), 0.2)
	assert.Greater(t, related, unrelated+0.3)

	// Case and punctuation do not matter much; the per-text part keeps
	// different texts apart.
	b, _ := embedRequest(t, s, map[string]any{"model": "text-embedding-3-small", "input": "the QUICK brown fox jumps over the lazy dog!"})
	vb := floats(t, b.Data[0].Embedding)
	assert.Greater(t, cosine(v0, vb), 0.9)
	assert.Less(t, cosine(v0, vb), 0.9999)
}

func TestEmbeddingsBase64MatchesFloats(t *testing.T) {
	s := newTestServer(t)
	req := map[string]any{"model": "text-embedding-3-small", "input": "bits must match", "dimensions": 64}
	f, _ := embedRequest(t, s, req)
	req["encoding_format"] = "base64"
	b, _ := embedRequest(t, s, req)

	var encoded string
	require.NoError(t, json.Unmarshal(b.Data[0].Embedding, &encoded))
	raw, err := base64.StdEncoding.DecodeString(encoded)
	require.NoError(t, err)
	want := floats(t, f.Data[0].Embedding)
	require.Len(t, raw, 4*len(want))
	for i, x := range want {
		assert.Equal(t, math.Float32bits(x), binary.LittleEndian.Uint32(raw[4*i:]), "value %d", i)
	}
	// The float form prints each float32 in its shortest exact form.
	var text []json.RawMessage
	require.NoError(t, json.Unmarshal(f.Data[0].Embedding, &text))
	for i, x := range want {
		assert.Equal(t, strconv.FormatFloat(float64(x), 'g', -1, 32), string(text[i]))
	}
}

func TestEmbeddingsTokenInput(t *testing.T) {
	s := newTestServer(t)
	e, _ := embedRequest(t, s, map[string]any{"model": "text-embedding-3-small", "input": []any{1, 2, 3}})
	require.Len(t, e.Data, 1)
	assert.Equal(t, 3, e.Usage.PromptTokens)
	e, _ = embedRequest(t, s, map[string]any{"model": "text-embedding-3-small", "input": []any{[]any{1, 2}, []any{3}}})
	require.Len(t, e.Data, 2)
	assert.Equal(t, 3, e.Usage.PromptTokens)
}

func TestEmbeddingsContextLength(t *testing.T) {
	s := newTestServer(t)
	r := postJSON(t, s, "/v1/embeddings", map[string]any{"model": "text-embedding-3-small",
		"input": strings.Repeat("word ", 8193)}, authHeaders())
	require.Equal(t, 400, r.status)
	assert.Equal(t, "context_length_exceeded", r.apiError(t)["code"])
}

func TestEmbeddingsRequestTokenLimit(t *testing.T) {
	s := newTestServer(t)
	inputs := make([]any, 40)
	for i := range inputs {
		inputs[i] = strings.Repeat("word ", 8000)
	}
	r := postJSON(t, s, "/v1/embeddings", map[string]any{"model": "text-embedding-3-small", "input": inputs}, authHeaders())
	require.Equal(t, 400, r.status)
	assert.Equal(t, "max_tokens_per_request", r.apiError(t)["code"])
}

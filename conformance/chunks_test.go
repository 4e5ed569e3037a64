package conformance

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
)

// Prism cannot check a streamed answer: it validates the whole text/event-
// stream body, a string, against the chunk schema ("Response body must be
// object"). So each chunk the fake streams is validated here against the
// spec's own schema of a chunk, CreateChatCompletionStreamResponse, with a
// JSON Schema (2020-12) validator. This test needs no Prism and runs with
// the other tests as well as with make conformance.

// chunkSchema is CreateChatCompletionStreamResponse of the trimmed spec,
// resolved with every component schema it refers to. The spec's OpenAPI
// 3.0 "nullable: true" becomes a "null" in the type list, as OpenAPI 3.1
// writes it.
func chunkSchema(t *testing.T) *jsonschema.Resolved {
	t.Helper()
	data, err := os.ReadFile("../testdata/openapi/openapi.json")
	require.NoError(t, err)
	var doc struct {
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	require.NoError(t, json.Unmarshal(data, &doc))
	defs := map[string]any{}
	for name, s := range doc.Components.Schemas {
		defs[name] = toDraft2020(s)
	}
	root := map[string]any{"$ref": "#/$defs/CreateChatCompletionStreamResponse", "$defs": defs}
	raw, err := json.Marshal(root)
	require.NoError(t, err)
	var s jsonschema.Schema
	require.NoError(t, json.Unmarshal(raw, &s))
	rs, err := s.Resolve(nil)
	require.NoError(t, err)
	return rs
}

// toDraft2020 rewrites an OpenAPI schema node as plain JSON Schema: local
// references point into $defs, nullable becomes a null type, and the
// OpenAPI-only keywords go.
func toDraft2020(node any) any {
	switch x := node.(type) {
	case []any:
		out := make([]any, len(x))
		for i, v := range x {
			out[i] = toDraft2020(v)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, v := range x {
			switch {
			case k == "$ref":
				s, _ := v.(string)
				out[k] = strings.Replace(s, "#/components/schemas/", "#/$defs/", 1)
			case k == "nullable", k == "discriminator", k == "example", k == "examples", k == "deprecated",
				k == "externalDocs", k == "xml", k == "readOnly", k == "writeOnly", strings.HasPrefix(k, "x-"):
			default:
				out[k] = toDraft2020(v)
			}
		}
		if x["nullable"] == true {
			switch typ := out["type"].(type) {
			case string:
				out["type"] = []any{typ, "null"}
			case []any:
				out["type"] = append(typ, "null")
			case nil:
				if _, ok := out["$ref"]; ok {
					ref := out["$ref"]
					delete(out, "$ref")
					out["anyOf"] = []any{map[string]any{"$ref": ref}, map[string]any{"type": "null"}}
				}
			}
			if enum, ok := out["enum"].([]any); ok {
				out["enum"] = append(enum, nil)
			}
		}
		return out
	}
	return node
}

// streamedChunks asks the fake for a streamed chat completion with body
// and returns the data of every event before [DONE], which must come.
func streamedChunks(t *testing.T, fake *openaitest.Server, body map[string]any) [][]byte {
	t.Helper()
	raw, err := json.Marshal(body)
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, fake.BaseURL()+"/chat/completions", bytes.NewReader(raw))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+openaitest.DefaultAPIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := fake.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "text/event-stream; charset=utf-8", resp.Header.Get("Content-Type"))
	var chunks [][]byte
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		data, ok := bytes.CutPrefix(sc.Bytes(), []byte("data: "))
		if !ok {
			continue
		}
		if string(data) == "[DONE]" {
			return chunks
		}
		chunks = append(chunks, bytes.Clone(data))
	}
	require.NoError(t, sc.Err())
	t.Fatal("the stream ended before data: [DONE]")
	return nil
}

// TestStreamedChunksMatchTheSpec: every chunk the fake streams, for text,
// tool calls, logprobs and the usage chunk, is a valid
// CreateChatCompletionStreamResponse.
func TestStreamedChunksMatchTheSpec(t *testing.T) {
	schema := chunkSchema(t)
	fake := openaitest.NewServer()
	t.Cleanup(fake.Close)
	user := func(s string) []any { return []any{map[string]any{"role": "user", "content": s}} }
	weather := map[string]any{"type": "function", "function": map[string]any{"name": "get_weather",
		"parameters": map[string]any{"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}}}}}
	cases := []struct {
		name string
		body map[string]any
		// want is a field each case must show in some chunk.
		want func(chunk map[string]any) bool
	}{
		{"text with usage", map[string]any{"model": "gpt-5.1", "stream": true, "messages": user("Hello there"),
			"stream_options": map[string]any{"include_usage": true}},
			func(c map[string]any) bool { return c["usage"] != nil && len(c["choices"].([]any)) == 0 }},
		{"tool call", map[string]any{"model": "gpt-4.1-nano", "stream": true, "messages": user("Weather? Use get_weather."),
			"tools": []any{weather}},
			func(c map[string]any) bool {
				ch := c["choices"].([]any)
				return len(ch) > 0 && ch[0].(map[string]any)["delta"].(map[string]any)["tool_calls"] != nil
			}},
		{"logprobs", map[string]any{"model": "gpt-4.1-nano", "stream": true, "messages": user("Hello"), "logprobs": true, "top_logprobs": 2},
			func(c map[string]any) bool {
				ch := c["choices"].([]any)
				return len(ch) > 0 && ch[0].(map[string]any)["logprobs"] != nil
			}},
		{"cut by max_tokens", map[string]any{"model": "gpt-4.1-nano", "stream": true, "messages": user("Hello there friend"), "max_tokens": 2},
			func(c map[string]any) bool {
				ch := c["choices"].([]any)
				return len(ch) > 0 && ch[0].(map[string]any)["finish_reason"] == "length"
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			chunks := streamedChunks(t, fake, tc.body)
			require.NotEmpty(t, chunks)
			seen := false
			for i, data := range chunks {
				var v map[string]any
				require.NoError(t, json.Unmarshal(data, &v), "chunk %d", i)
				assert.NoError(t, schema.Validate(v), "chunk %d: %s", i, data)
				seen = seen || tc.want(v)
			}
			assert.True(t, seen, "no chunk shows what the case is about")
		})
	}
}

// TestChunkSchemaBites: the validator refuses chunks that break the spec,
// so that the test above can fail.
func TestChunkSchemaBites(t *testing.T) {
	schema := chunkSchema(t)
	good := `{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"x"},"finish_reason":null}]}`
	var v map[string]any
	require.NoError(t, json.Unmarshal([]byte(good), &v))
	require.NoError(t, schema.Validate(v))
	bad := []string{
		`{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[]}`,
		`{"id":"c","object":"chat.completion.chunk","created":"1","model":"m","choices":[]}`,
		`{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"done"}]}`,
		`{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"type":"function"}]},"finish_reason":null}]}`,
		`{"object":"chat.completion.chunk","created":1,"model":"m","choices":[]}`,
	}
	for _, b := range bad {
		var v map[string]any
		require.NoError(t, json.Unmarshal([]byte(b), &v))
		assert.Error(t, schema.Validate(v), b)
	}
}

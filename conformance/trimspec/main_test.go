package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal([]byte(s), &v))
	return v
}

func TestFixNullable(t *testing.T) {
	tests := []struct {
		name      string
		in, want  string
		wantFixes int
	}{
		{
			name:      "nullable ref in allOf becomes anyOf with null",
			in:        `{"description":"d","allOf":[{"$ref":"#/components/schemas/A"},{"nullable":true}]}`,
			want:      `{"description":"d","anyOf":[{"allOf":[{"$ref":"#/components/schemas/A"}]},{"type":"null"}]}`,
			wantFixes: 1,
		},
		{
			name:      "nullable without type becomes anyOf with null, annotations outside",
			in:        `{"title":"t","x-k":1,"nullable":true,"enum":["a","b"]}`,
			want:      `{"title":"t","x-k":1,"anyOf":[{"enum":["a","b"]},{"type":"null"}]}`,
			wantFixes: 1,
		},
		{
			name:      "nullable false without type is only dropped",
			in:        `{"nullable":false,"enum":["a"]}`,
			want:      `{"enum":["a"]}`,
			wantFixes: 1,
		},
		{
			name: "nullable beside a type is left alone",
			in:   `{"type":"string","nullable":true}`,
			want: `{"type":"string","nullable":true}`,
		},
		{
			name:      "nested schemas are fixed too",
			in:        `{"type":"object","properties":{"p":{"nullable":true,"oneOf":[{"type":"string"}]}}}`,
			want:      `{"type":"object","properties":{"p":{"anyOf":[{"oneOf":[{"type":"string"}]},{"type":"null"}]}}}`,
			wantFixes: 1,
		},
		{
			name:      "a null marker alone in allOf leaves nothing to wrap",
			in:        `{"description":"d","allOf":[{"nullable":true,"description":"x"}]}`,
			want:      `{"description":"d"}`,
			wantFixes: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := decode(t, tt.in)
			assert.Equal(t, tt.wantFixes, fixNullable(v))
			assert.Equal(t, decode(t, tt.want), v)
		})
	}
}

// minimalSpec has every kept path, each with an extra operation that must
// go, and components some of which are not reachable.
func minimalSpec(t *testing.T, speechHeaders string) []byte {
	t.Helper()
	paths := map[string]any{}
	for p, methods := range operations() {
		item := map[string]any{"parameters": []any{}, "delete": map[string]any{"$ref": "#/components/schemas/Gone"}}
		for _, m := range methods {
			item[m] = map[string]any{"responses": map[string]any{"200": map[string]any{
				"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/A"}}},
			}}}
		}
		paths[p] = item
	}
	paths["/unused"] = map[string]any{"get": map[string]any{"$ref": "#/components/schemas/Gone"}}
	doc := map[string]any{
		"openapi":  "3.1.0",
		"paths":    paths,
		"webhooks": map[string]any{"w": 1}, "x-oaiMeta": map[string]any{"m": 1},
		"components": map[string]any{
			"schemas": map[string]any{
				"A":    map[string]any{"properties": map[string]any{"b": map[string]any{"$ref": "#/components/schemas/B"}}},
				"B":    map[string]any{"type": "integer", "maximum": json.Number("1e3")},
				"Gone": map[string]any{"type": "string"},
			},
			"securitySchemes": map[string]any{"ApiKeyAuth": map[string]any{"type": "http", "scheme": "bearer"}},
		},
	}
	speech := paths["/audio/speech"].(map[string]any)["post"].(map[string]any)["responses"].(map[string]any)["200"].(map[string]any)
	speech["headers"] = decode(t, speechHeaders)
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	return b
}

func TestTrim(t *testing.T) {
	out, stats, err := Trim(minimalSpec(t, `{"Transfer-Encoding":{"schema":{"type":"string"}},"X-Keep":{}}`))
	require.NoError(t, err)
	assert.Equal(t, Stats{Operations: 22, Components: 2, HeadersDropped: 1}, stats)

	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&doc))
	assert.NotContains(t, doc, "webhooks")
	assert.NotContains(t, doc, "x-oaiMeta")
	paths := doc["paths"].(map[string]any)
	assert.Len(t, paths, len(operations()))
	assert.NotContains(t, paths, "/unused")
	for p, methods := range operations() {
		item := paths[p].(map[string]any)
		assert.NotContains(t, item, "delete", p)
		assert.Contains(t, item, "parameters", p)
		for _, m := range methods {
			assert.Contains(t, item, m, p)
		}
	}
	comps := doc["components"].(map[string]any)
	assert.ElementsMatch(t, []string{"A", "B"}, keys(comps["schemas"].(map[string]any)))
	assert.Contains(t, comps, "securitySchemes")
	assert.Equal(t, json.Number("1e3"), comps["schemas"].(map[string]any)["B"].(map[string]any)["maximum"], "numbers are kept as written")
	headers := paths["/audio/speech"].(map[string]any)["post"].(map[string]any)["responses"].(map[string]any)["200"].(map[string]any)["headers"]
	assert.Equal(t, map[string]any{"X-Keep": map[string]any{}}, headers)

	again, _, err := Trim(out)
	require.NoError(t, err)
	assert.Equal(t, string(out), string(again), "trimming is deterministic and idempotent")
}

func TestTrimErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"not JSON", `{`, "not a JSON document"},
		{"no paths", `{"openapi":"3.1.0"}`, "no paths object"},
		{"missing path", `{"paths":{}}`, "the spec has no path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Trim([]byte(tt.src))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}

	t.Run("dangling ref", func(t *testing.T) {
		src := minimalSpec(t, `{}`)
		var doc map[string]any
		require.NoError(t, json.Unmarshal(src, &doc))
		delete(doc["components"].(map[string]any)["schemas"].(map[string]any), "B")
		src, err := json.Marshal(doc)
		require.NoError(t, err)
		_, _, err = Trim(src)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "dangling $ref #/components/schemas/B")
	})

	t.Run("missing method", func(t *testing.T) {
		src := minimalSpec(t, `{}`)
		var doc map[string]any
		require.NoError(t, json.Unmarshal(src, &doc))
		delete(doc["paths"].(map[string]any)["/models"].(map[string]any), "get")
		src, err := json.Marshal(doc)
		require.NoError(t, err)
		_, _, err = Trim(src)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "the spec has no GET /models")
	})
}

// TestCommittedSpecIsCurrent checks that testdata/openapi/openapi.json is
// what Trim makes of the published document, when that is at hand.
func TestCommittedSpecIsCurrent(t *testing.T) {
	src := findSource(t)
	if src == "" {
		t.Skip("published openapi.json not found; set KOSMO_OPENAPI_SOURCE to check the committed trim")
	}
	data, err := os.ReadFile(src)
	require.NoError(t, err)
	want, _, err := Trim(data)
	require.NoError(t, err)
	got, err := os.ReadFile("../../testdata/openapi/openapi.json")
	require.NoError(t, err)
	assert.True(t, bytes.Equal(want, got), "testdata/openapi/openapi.json is stale: run go run ./conformance/trimspec -in %s", src)
}

func findSource(t *testing.T) string {
	if p := os.Getenv("KOSMO_OPENAPI_SOURCE"); p != "" {
		return p
	}
	dir, err := filepath.Abs(".")
	require.NoError(t, err)
	for {
		p := filepath.Join(dir, "shared", "openai-openapi", "openapi.json")
		if _, err := os.Stat(p); err == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.json")
	out := filepath.Join(dir, "out.json")
	require.NoError(t, os.WriteFile(in, minimalSpec(t, `{}`), 0o644))
	var log bytes.Buffer
	require.NoError(t, run(in, out, &log))
	assert.Contains(t, log.String(), "22 operations, 2 components")
	_, err := os.Stat(out)
	require.NoError(t, err)

	require.ErrorContains(t, run("", out, &log), "-in is required")
	require.Error(t, run(filepath.Join(dir, "missing.json"), out, &log))
}

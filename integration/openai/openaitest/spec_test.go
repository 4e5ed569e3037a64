package openaitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// The official OpenAPI document is shared beside the repository
// (shared/openai-openapi/openapi.json in a parent folder); tests that check
// answers against its schemas skip when it is not there. KOSMO_OPENAPI_SPEC
// may name it explicitly.

var (
	specOnce    sync.Once
	specSchemas map[string]any
	specErr     error
)

func loadSpec() (map[string]any, error) {
	specOnce.Do(func() {
		path := os.Getenv("KOSMO_OPENAPI_SPEC")
		if path == "" {
			dir, _ := os.Getwd()
			for ; ; dir = filepath.Dir(dir) {
				p := filepath.Join(dir, "shared", "openai-openapi", "openapi.json")
				if _, err := os.Stat(p); err == nil {
					path = p
					break
				}
				if filepath.Dir(dir) == dir {
					break
				}
			}
		}
		if path == "" {
			specErr = fmt.Errorf("openapi.json not found")
			return
		}
		b, err := os.ReadFile(path)
		if err != nil {
			specErr = err
			return
		}
		var doc struct {
			Components struct {
				Schemas map[string]any `json:"schemas"`
			} `json:"components"`
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			specErr = err
			return
		}
		specSchemas = doc.Components.Schemas
	})
	return specSchemas, specErr
}

// conformsTo checks a JSON body against a schema of the spec and reports
// every violation: a missing required field, a wrong type, a value outside
// an enum.
func conformsTo(t *testing.T, schema string, body []byte) {
	t.Helper()
	schemas, err := loadSpec()
	if err != nil {
		t.Logf("schema check of %s skipped: %v", schema, err)
		return
	}
	s, ok := schemas[schema]
	if !ok {
		t.Fatalf("no schema %q in the spec", schema)
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, body)
	}
	var errs []string
	validate(schemas, s, v, "$", &errs, 0)
	if len(errs) > 0 {
		t.Errorf("answer does not conform to %s:\n  %s\nbody: %.2000s", schema, strings.Join(errs, "\n  "), body)
	}
}

// validate is a small JSON Schema checker for the keywords the spec uses
// on response objects.
func validate(schemas map[string]any, schema, v any, path string, errs *[]string, depth int) {
	s, ok := schema.(map[string]any)
	if !ok || depth > 64 {
		return
	}
	if v == nil && s["nullable"] == true { // OpenAPI 3.0 keyword, also beside $ref
		return
	}
	if ref, ok := s["$ref"].(string); ok {
		validate(schemas, schemas[strings.TrimPrefix(ref, "#/components/schemas/")], v, path, errs, depth+1)
		return
	}
	if all, ok := s["allOf"].([]any); ok {
		for _, sub := range all {
			validate(schemas, sub, v, path, errs, depth+1)
		}
	}
	for _, key := range []string{"anyOf", "oneOf"} {
		alts, ok := s[key].([]any)
		if !ok {
			continue
		}
		var best []string
		matched := false
		for _, alt := range alts {
			var sub []string
			validate(schemas, alt, v, path, &sub, depth+1)
			if len(sub) == 0 {
				matched = true
				break
			}
			if best == nil || len(sub) < len(best) {
				best = sub
			}
		}
		if !matched {
			*errs = append(*errs, fmt.Sprintf("%s: matches no alternative of %s; closest: %s", path, key, strings.Join(best, "; ")))
		}
	}
	if enum, ok := s["enum"].([]any); ok && !slices.ContainsFunc(enum, func(e any) bool { return fmt.Sprint(e) == fmt.Sprint(v) }) {
		*errs = append(*errs, fmt.Sprintf("%s: %v is not one of %v", path, v, enum))
	}
	var types []string
	switch t := s["type"].(type) {
	case string:
		types = []string{t}
	case []any:
		for _, x := range t {
			types = append(types, fmt.Sprint(x))
		}
	}
	if len(types) > 0 && !slices.ContainsFunc(types, func(t string) bool { return isType(v, t) }) {
		*errs = append(*errs, fmt.Sprintf("%s: %s is not of type %v", path, describe(v), types))
		return
	}
	if m, ok := v.(map[string]any); ok {
		if req, ok := s["required"].([]any); ok {
			for _, r := range req {
				if _, ok := m[fmt.Sprint(r)]; !ok {
					*errs = append(*errs, fmt.Sprintf("%s: required field %q is missing", path, r))
				}
			}
		}
		if props, ok := s["properties"].(map[string]any); ok {
			for k, sub := range props {
				if fv, ok := m[k]; ok {
					validate(schemas, sub, fv, path+"."+k, errs, depth+1)
				}
			}
		}
	}
	if a, ok := v.([]any); ok {
		if items, ok := s["items"]; ok {
			for i, it := range a {
				validate(schemas, items, it, fmt.Sprintf("%s[%d]", path, i), errs, depth+1)
			}
		}
	}
}

func isType(v any, t string) bool {
	switch t {
	case "null":
		return v == nil
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "number":
		_, ok := v.(json.Number)
		return ok
	case "integer":
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		_, err := n.Int64()
		return err == nil
	}
	return true
}

func describe(v any) string {
	if v == nil {
		return "null"
	}
	s := fmt.Sprintf("%T %v", v, v)
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return s
}

func TestSpecValidatorCatchesViolations(t *testing.T) {
	schemas, err := loadSpec()
	if err != nil {
		t.Skipf("spec not available: %v", err)
	}
	var errs []string
	body := map[string]any{"object": "model", "id": "x", "created": json.Number("1.5")}
	validate(schemas, schemas["Model"], body, "$", &errs, 0)
	if len(errs) != 2 { // created not an integer, owned_by missing
		t.Fatalf("expected 2 violations, got %q", errs)
	}
}

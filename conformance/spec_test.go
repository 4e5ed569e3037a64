//go:build conformance

package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

// spec is the trimmed OpenAPI document, for what Prism does not check:
// fields a response has that its schema does not declare.
type spec struct {
	doc map[string]any
}

func loadSpec(path string) (*spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &spec{doc: doc}, nil
}

// operation finds the operation for a method and a concrete path such as
// /threads/thread_1/runs; it returns the path template too.
func (s *spec) operation(method, path string) (map[string]any, string) {
	paths, _ := s.doc["paths"].(map[string]any)
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for tmpl, item := range paths {
		tsegs := strings.Split(strings.Trim(tmpl, "/"), "/")
		if len(tsegs) != len(segs) {
			continue
		}
		match := true
		for i, ts := range tsegs {
			if !strings.HasPrefix(ts, "{") && ts != segs[i] {
				match = false
				break
			}
		}
		if !match {
			continue
		}
		if op, ok := item.(map[string]any)[strings.ToLower(method)].(map[string]any); ok {
			return op, tmpl
		}
	}
	return nil, ""
}

// resolve follows a local $ref.
func (s *spec) resolve(node any) any {
	for i := 0; i < 32; i++ {
		m, ok := node.(map[string]any)
		if !ok {
			return node
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return node
		}
		var cur any = s.doc
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			cm, _ := cur.(map[string]any)
			cur = cm[part]
		}
		node = cur
	}
	return node
}

// responseSchema is the JSON schema of an operation's answer with status,
// or nil when the spec declares none.
func (s *spec) responseSchema(op map[string]any, status int) any {
	responses, _ := op["responses"].(map[string]any)
	r, ok := s.resolve(responses[fmt.Sprint(status)]).(map[string]any)
	if !ok {
		return nil
	}
	content, _ := r["content"].(map[string]any)
	media, _ := content["application/json"].(map[string]any)
	return media["schema"]
}

// declares reports whether op declares an answer with status.
func (s *spec) declares(op map[string]any, status int) bool {
	responses, _ := op["responses"].(map[string]any)
	_, ok := responses[fmt.Sprint(status)]
	return ok
}

// undeclaredFields lists the object keys of v, at any depth, that schema
// declares nowhere. Where the schema offers alternatives (anyOf, oneOf), a
// key any alternative declares is accepted; an object that allows
// additional properties, or declares none, accepts every key.
func (s *spec) undeclaredFields(schema, v any) []string {
	var out []string
	s.walkFields([]any{schema}, v, "$", &out, 0)
	sort.Strings(out)
	return out
}

func (s *spec) walkFields(schemas []any, v any, path string, out *[]string, depth int) {
	if depth > 64 {
		return
	}
	flat := s.flatten(schemas, 0)
	switch x := v.(type) {
	case map[string]any:
		props := map[string][]any{}
		open := len(flat) == 0
		for _, sc := range flat {
			p, hasProps := sc["properties"].(map[string]any)
			for k, ps := range p {
				props[k] = append(props[k], ps)
			}
			switch ap := sc["additionalProperties"].(type) {
			case bool:
				open = open || ap
			case map[string]any:
				open = true
				for k := range x {
					if _, declared := p[k]; !declared {
						props[k] = append(props[k], ap)
					}
				}
			case nil:
				// An object schema without properties is free-form.
				open = open || (!hasProps && mayBeObject(sc))
			}
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			ps, ok := props[k]
			if !ok {
				if !open {
					*out = append(*out, path+"."+k)
				}
				continue
			}
			s.walkFields(ps, x[k], path+"."+k, out, depth+1)
		}
	case []any:
		var items []any
		for _, sc := range flat {
			if it, ok := sc["items"]; ok {
				items = append(items, it)
			}
		}
		if len(items) == 0 {
			return
		}
		for i, e := range x {
			s.walkFields(items, e, fmt.Sprintf("%s[%d]", path, i), out, depth+1)
		}
	}
}

// flatten resolves references and spreads allOf, anyOf and oneOf into the
// plain schemas they combine.
func (s *spec) flatten(schemas []any, depth int) []map[string]any {
	var out []map[string]any
	for _, sc := range schemas {
		m, ok := s.resolve(sc).(map[string]any)
		if !ok || depth > 32 {
			continue
		}
		combined := false
		for _, k := range []string{"allOf", "anyOf", "oneOf"} {
			if alts, ok := m[k].([]any); ok {
				combined = true
				out = append(out, s.flatten(alts, depth+1)...)
			}
		}
		if _, hasProps := m["properties"]; hasProps || !combined {
			out = append(out, m)
		}
	}
	return out
}

// mayBeObject reports whether a schema lets a value be an object: its type
// is "object", a list holding "object", or not given.
func mayBeObject(sc map[string]any) bool {
	switch t := sc["type"].(type) {
	case nil:
		_, enum := sc["enum"]
		_, cnst := sc["const"]
		return !enum && !cnst
	case string:
		return t == "object"
	case []any:
		for _, x := range t {
			if x == "object" {
				return true
			}
		}
	}
	return false
}

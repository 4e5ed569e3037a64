// Command trimspec cuts OpenAI's published OpenAPI document down to what the
// conformance suite serves with Prism: the operations of kosmo's 15
// functions (among them the retired Assistants API, which the fake still
// serves on request), the Conversations and Responses operations that
// replace the Assistants API, and the components they reach, with two fixes
// the validator needs.
//
//	go run ./conformance/trimspec -in PATH/TO/openai-openapi/openapi.json
//
// It writes testdata/openapi/openapi.json (see -out). The fixes:
//
//   - "nullable" on a schema without "type" (an OpenAPI 3.0 keyword in this
//     3.1 document) becomes anyOf [schema, {type: null}]: Prism's validator
//     cannot compile such schemas and would silently skip validating the
//     bodies that use them;
//   - the Transfer-Encoding response header of POST /audio/speech is
//     dropped: it is hop-by-hop, and a mock would send a made-up value that
//     HTTP clients refuse.
//
// Everything else is kept as published. Keys come out sorted, so a re-run
// on the same input gives the same bytes.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
)

// operations are the operations kosmo calls, by path, with their methods.
// Paths are relative to https://api.openai.com/v1, as in the spec.
func operations() map[string][]string {
	return map[string][]string{
		"/conversations":                         {"post"},
		"/conversations/{conversation_id}":       {"get"},
		"/conversations/{conversation_id}/items": {"get", "post"},
		"/responses":                             {"post"},
		"/responses/{response_id}":               {"get"},
		"/responses/{response_id}/cancel":        {"post"},
		"/chat/completions":                      {"post"},
		"/embeddings":                            {"post"},
		"/images/generations":                    {"post"},
		"/audio/transcriptions":                  {"post"},
		"/audio/speech":                          {"post"},
		"/assistants":                            {"get", "post"},
		"/threads":                               {"post"},
		"/threads/{thread_id}/messages":          {"get", "post"},
		"/threads/{thread_id}/runs":              {"post"},
		"/threads/{thread_id}/runs/{run_id}":     {"get"},
		"/files":                                 {"get", "post"},
		"/models":                                {"get"},
	}
}

func main() {
	in := flag.String("in", "", "the published openapi.json (required)")
	out := flag.String("out", "testdata/openapi/openapi.json", "where to write the trimmed spec")
	flag.Parse()
	if err := run(*in, *out, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "trimspec:", err)
		os.Exit(1)
	}
}

func run(in, out string, log io.Writer) error {
	if in == "" {
		return errors.New("-in is required: the path of the published openapi.json")
	}
	src, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	data, stats, err := Trim(src)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(log, "trimspec: wrote %s (%d bytes): %s\n", out, len(data), stats)
	return nil
}

// Stats counts what Trim did.
type Stats struct {
	Operations, Components, NullableFixes, HeadersDropped int
}

func (s Stats) String() string {
	return fmt.Sprintf("%d operations, %d components, %d nullable fixes, %d header(s) dropped",
		s.Operations, s.Components, s.NullableFixes, s.HeadersDropped)
}

// Trim returns the trimmed and fixed document, indented JSON ending in a
// newline.
func Trim(src []byte) ([]byte, Stats, error) {
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber() // numbers stay as written
	if err := dec.Decode(&doc); err != nil {
		return nil, Stats{}, fmt.Errorf("not a JSON document: %w", err)
	}
	var st Stats
	paths, n, err := keepOperations(doc, operations())
	if err != nil {
		return nil, st, err
	}
	st.Operations = n
	doc["paths"] = paths
	delete(doc, "webhooks")
	delete(doc, "x-oaiMeta")
	comps, n, err := reachableComponents(doc)
	if err != nil {
		return nil, st, err
	}
	st.Components = n
	doc["components"] = comps
	st.NullableFixes = fixNullable(comps) + fixNullable(paths)
	st.HeadersDropped = dropTransferEncoding(paths)

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, st, err
	}
	return buf.Bytes(), st, nil
}

var httpMethods = []string{"get", "put", "post", "delete", "patch", "head", "options", "trace"}

// keepOperations returns doc's paths with only the wanted operations (and
// each path's other keys, such as shared parameters).
func keepOperations(doc map[string]any, want map[string][]string) (map[string]any, int, error) {
	all, ok := doc["paths"].(map[string]any)
	if !ok {
		return nil, 0, errors.New("no paths object")
	}
	kept := map[string]any{}
	n := 0
	for p, methods := range want {
		item, ok := all[p].(map[string]any)
		if !ok {
			return nil, 0, fmt.Errorf("the spec has no path %s", p)
		}
		out := map[string]any{}
		for k, v := range item {
			if !slices.Contains(httpMethods, k) || slices.Contains(methods, k) {
				out[k] = v
			}
		}
		for _, m := range methods {
			if _, ok := out[m]; !ok {
				return nil, 0, fmt.Errorf("the spec has no %s %s", strings.ToUpper(m), p)
			}
			n++
		}
		kept[p] = out
	}
	return kept, n, nil
}

var componentRef = regexp.MustCompile(`^#/components/([^/]+)/(.+)$`)

// reachableComponents returns the components that the paths reach through
// $ref, transitively, plus every security scheme.
func reachableComponents(doc map[string]any) (map[string]any, int, error) {
	comps, _ := doc["components"].(map[string]any)
	keep := map[string]any{}
	n := 0
	todo := []any{doc["paths"]}
	for len(todo) > 0 {
		node := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		var err error
		walkRefs(node, func(ref string) {
			m := componentRef.FindStringSubmatch(ref)
			if m == nil || err != nil {
				return
			}
			kind, name := m[1], m[2]
			dst, _ := keep[kind].(map[string]any)
			if dst == nil {
				dst = map[string]any{}
				keep[kind] = dst
			}
			if _, done := dst[name]; done {
				return
			}
			srcKind, _ := comps[kind].(map[string]any)
			v, ok := srcKind[name]
			if !ok {
				err = fmt.Errorf("dangling $ref %s", ref)
				return
			}
			dst[name] = v
			n++
			todo = append(todo, v)
		})
		if err != nil {
			return nil, 0, err
		}
	}
	if s, ok := comps["securitySchemes"]; ok {
		keep["securitySchemes"] = s
	}
	return keep, n, nil
}

// walkRefs calls f with every "$ref" string under node.
func walkRefs(node any, f func(string)) {
	switch x := node.(type) {
	case map[string]any:
		if ref, ok := x["$ref"].(string); ok {
			f(ref)
		}
		for _, v := range x {
			walkRefs(v, f)
		}
	case []any:
		for _, v := range x {
			walkRefs(v, f)
		}
	}
}

// isAnnotation reports whether a schema keyword only documents (it stays on
// the outer schema when a nullable one is wrapped).
func isAnnotation(k string) bool {
	switch k {
	case "description", "title", "default", "example", "examples", "deprecated", "readOnly", "writeOnly", "externalDocs":
		return true
	}
	return strings.HasPrefix(k, "x-")
}

// isNullMarker reports whether v is a schema that only says nullable (with
// annotations), as found in allOf lists.
func isNullMarker(v any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	if _, ok := m["nullable"]; !ok {
		return false
	}
	for k := range m {
		if k != "nullable" && !isAnnotation(k) {
			return false
		}
	}
	return true
}

// fixNullable rewrites, in place, every schema that says nullable without a
// type: the keyword goes, and a schema that was nullable becomes
// anyOf [its other keywords, {type: null}], annotations staying outside.
// It returns the number of places fixed.
func fixNullable(node any) int {
	switch x := node.(type) {
	case []any:
		n := 0
		for _, v := range x {
			n += fixNullable(v)
		}
		return n
	case map[string]any:
		return fixSchema(x)
	}
	return 0
}

func fixSchema(m map[string]any) int {
	fixed := 0
	wrap := false
	if all, ok := m["allOf"].([]any); ok && slices.ContainsFunc(all, isNullMarker) {
		var rest []any
		for _, e := range all {
			if !isNullMarker(e) {
				rest = append(rest, e)
			} else if e.(map[string]any)["nullable"] == true {
				wrap = true
			}
		}
		if len(rest) == 0 {
			delete(m, "allOf")
		} else {
			m["allOf"] = rest
		}
		fixed++
	}
	if v, ok := m["nullable"]; ok {
		if _, typed := m["type"]; !typed {
			wrap = wrap || v == true
			delete(m, "nullable")
			fixed++
		}
	}
	for _, v := range m {
		fixed += fixNullable(v)
	}
	if wrap {
		inner := map[string]any{}
		for k, v := range m {
			if !isAnnotation(k) {
				inner[k] = v
				delete(m, k)
			}
		}
		if len(inner) > 0 {
			m["anyOf"] = []any{inner, map[string]any{"type": "null"}}
		}
	}
	return fixed
}

// dropTransferEncoding removes Transfer-Encoding from every response's
// declared headers and returns how many it removed.
func dropTransferEncoding(paths map[string]any) int {
	n := 0
	for _, item := range paths {
		ops, _ := item.(map[string]any)
		for _, op := range ops {
			o, _ := op.(map[string]any)
			responses, _ := o["responses"].(map[string]any)
			for _, r := range responses {
				resp, _ := r.(map[string]any)
				headers, _ := resp["headers"].(map[string]any)
				for h := range headers {
					if strings.EqualFold(h, "Transfer-Encoding") {
						delete(headers, h)
						n++
					}
				}
			}
		}
	}
	return n
}

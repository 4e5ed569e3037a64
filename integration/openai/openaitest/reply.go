package openaitest

import (
	"encoding/json"
	"slices"
	"strings"
)

// replyPrefix starts every text the fake "generates" for chat completions
// and assistant runs.
const replyPrefix = "This is a fake reply to: "

// fakeReply derives the assistant's text from the prompt text.
func fakeReply(prompt string) string {
	if strings.TrimSpace(prompt) == "" {
		return "This is a fake reply."
	}
	return replyPrefix + prompt
}

// responseFormat is what a request asked the output to look like.
type responseFormat struct {
	kind   string          // "text", "json_object" or "json_schema"
	schema json.RawMessage // the JSON schema for "json_schema", if any
}

// render turns the reply into the message content for the format: the text
// itself, a JSON object {"reply":...,"model":...}, or a JSON value built to
// match the requested schema.
func (f responseFormat) render(reply, model string) string {
	var v any
	switch f.kind {
	case "json_object":
		v = struct {
			Reply string `json:"reply"`
			Model string `json:"model"`
		}{reply, model}
	case "json_schema":
		v = sampleSchema(f.schema, reply)
		if _, ok := v.(map[string]any); !ok {
			v = map[string]any{"reply": reply, "model": model}
		}
	default:
		return reply
	}
	b, err := json.Marshal(v)
	if err != nil {
		return reply
	}
	return string(b)
}

// sampleSchema builds a value that satisfies a JSON schema in the common
// cases (types, properties, items, enum, const, $ref to $defs, anyOf): every
// string is the reply, numbers are their minimum or 0, booleans false,
// arrays hold as many items as minItems asks (at least one). A schema
// without properties or that cannot be read gives nil.
func sampleSchema(schema json.RawMessage, reply string) any {
	var root map[string]any
	if json.Unmarshal(schema, &root) != nil || root == nil {
		return nil
	}
	return sampleNode(root, root, reply, 0)
}

func sampleNode(node any, root map[string]any, reply string, depth int) any {
	m, ok := node.(map[string]any)
	if !ok || depth > 16 {
		return nil
	}
	if c, ok := m["const"]; ok {
		return c
	}
	if e, ok := m["enum"].([]any); ok && len(e) > 0 {
		return e[0]
	}
	if ref, ok := m["$ref"].(string); ok {
		return sampleNode(resolveRef(root, ref), root, reply, depth+1)
	}
	for _, k := range []string{"anyOf", "oneOf", "allOf"} {
		if alts, ok := m[k].([]any); ok {
			for _, alt := range alts {
				if am, ok := alt.(map[string]any); ok && am["type"] != "null" {
					return sampleNode(am, root, reply, depth+1)
				}
			}
		}
	}
	typ := schemaType(m)
	switch typ {
	case "object":
		out := map[string]any{}
		props, _ := m["properties"].(map[string]any)
		for _, name := range sortedKeys(props) {
			out[name] = sampleNode(props[name], root, reply, depth+1)
		}
		return out
	case "array":
		n := 1
		if mi, ok := m["minItems"].(float64); ok && mi > 1 && mi <= 16 {
			n = int(mi)
		}
		items := make([]any, n)
		for i := range items {
			items[i] = sampleNode(m["items"], root, reply, depth+1)
		}
		return items
	case "integer", "number":
		if v, ok := m["minimum"].(float64); ok {
			return v
		}
		return 0
	case "boolean":
		return false
	case "null":
		return nil
	}
	return reply
}

// schemaType returns the schema's type, the first non-null one of a list,
// or "object" if it has properties.
func schemaType(m map[string]any) string {
	switch t := m["type"].(type) {
	case string:
		return t
	case []any:
		for _, x := range t {
			if s, ok := x.(string); ok && s != "null" {
				return s
			}
		}
	}
	if _, ok := m["properties"]; ok {
		return "object"
	}
	return "string"
}

// resolveRef follows a local reference such as "#/$defs/step".
func resolveRef(root map[string]any, ref string) any {
	path, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil
	}
	var node any = root
	for _, part := range strings.Split(path, "/") {
		m, ok := node.(map[string]any)
		if !ok {
			return nil
		}
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		node = m[part]
	}
	return node
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// parseResponseFormat reads {"type": "text" | "json_object" | "json_schema"}.
func parseResponseFormat(c *checker, fo object) responseFormat {
	f := responseFormat{kind: fo.reqStr("type")}
	if !c.enumAt(fo.param("type"), f.kind, []string{"text", "json_object", "json_schema"}) {
		return responseFormat{kind: "text"}
	}
	if f.kind == "json_schema" {
		fo.require("json_schema")
		if js, ok := fo.obj("json_schema"); ok {
			checkName(js, "name")
			js.str("description")
			js.boolean("strict", false)
			if s, ok := js.obj("schema"); ok {
				f.schema, _ = json.Marshal(s.fields)
			}
		}
	}
	return f
}

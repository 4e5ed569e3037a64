package integration

import (
	"encoding/json"
	"strings"
)

// JSONSchema returns the JSON Schema (draft 2020-12) of the spec's
// parameter name, or nil when the spec has no such parameter. The spec is
// OpenAPI's dialect: "nullable" becomes a "null" type, "$ref"s point into
// "$defs", and keywords JSON Schema does not know (discriminator, x-…) are
// left out. Each definition a $ref names is added to defs (name → schema),
// with the definitions those name in turn, so that defs under "$defs" of
// the document that holds the schema resolves every $ref.
func (s *SpecSchema) JSONSchema(name string, defs map[string]any) map[string]any {
	raw, ok := s.rawProps[name]
	if !ok {
		return nil
	}
	c := jsonSchemaConverter{spec: s, defs: defs}
	out, _ := c.schema(decodeRaw(raw)).(map[string]any)
	for len(c.queue) > 0 {
		next := c.queue[0]
		c.queue = c.queue[1:]
		defs[next] = c.schema(decodeRaw(s.rawDefs[next]))
	}
	return out
}

type jsonSchemaConverter struct {
	spec  *SpecSchema
	defs  map[string]any
	queue []string
}

// literalKeywords hold values, not schemas: they are copied as they are.
var literalKeywords = map[string]bool{"enum": true, "default": true, "const": true, "examples": true, "example": true, "required": true}

// schema converts one OpenAPI schema object (and what it holds) to JSON
// Schema.
func (c *jsonSchemaConverter) schema(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			switch {
			case k == "$ref":
				ref, _ := x.(string)
				name := ref[strings.LastIndex(ref, "/")+1:]
				out[k] = "#/$defs/" + name
				if _, seen := c.defs[name]; !seen {
					c.defs[name] = nil // claimed; filled from the queue
					c.queue = append(c.queue, name)
				}
			case k == "nullable" || k == "discriminator" || strings.HasPrefix(k, "x-"):
			case k == "description":
				if d, ok := x.(string); ok {
					out[k] = PlainText(d)
				}
			case literalKeywords[k]:
				out[k] = x
			case k == "properties" || k == "patternProperties" || k == "$defs" || k == "definitions":
				props := map[string]any{}
				if m, ok := x.(map[string]any); ok {
					for name, sub := range m {
						props[name] = c.schema(sub)
					}
				}
				out[k] = props
			default:
				out[k] = c.schema(x)
			}
		}
		if t["nullable"] == true {
			allowNull(out)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = c.schema(x)
		}
		return out
	default:
		return v
	}
}

// allowNull makes schema s accept null, as OpenAPI's nullable does.
func allowNull(s map[string]any) {
	switch typ := s["type"].(type) {
	case string:
		s["type"] = []any{typ, "null"}
	case []any:
		s["type"] = append(typ, "null")
	default:
		if _, ref := s["$ref"]; ref || s["anyOf"] != nil || s["oneOf"] != nil || s["allOf"] != nil {
			inner := map[string]any{}
			for k, v := range s {
				if k != "description" && k != "title" && k != "default" {
					inner[k] = v
					delete(s, k)
				}
			}
			s["anyOf"] = []any{inner, map[string]any{"type": "null"}}
		}
		return
	}
	if enum, ok := s["enum"].([]any); ok {
		s["enum"] = append(append([]any(nil), enum...), nil)
	}
}

func decodeRaw(raw json.RawMessage) any {
	var v any
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &v) // the document parsed once already
	}
	return v
}

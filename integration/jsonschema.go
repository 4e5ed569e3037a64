package integration

import "strings"

// InputSchema derives a JSON Schema (draft 2020-12 vocabulary, as a plain
// map) for f's argument object: types, required parameters, enums, bounds,
// item and field schemas, and descriptions without markdown.
func (f *Function) InputSchema() map[string]any {
	props := map[string]any{}
	var required []string
	for i := range f.Params {
		p := &f.Params[i]
		props[p.Name] = p.schema()
		if p.Required {
			required = append(required, p.Name)
		}
	}
	// The parameters of the provider's spec beyond the documented ones
	// are accepted too (Function.Spec checks them), so they are declared.
	defs := map[string]any{}
	if f.Spec != nil {
		for _, name := range f.Spec.Names() {
			if _, documented := props[name]; documented {
				continue
			}
			if ps := f.Spec.JSONSchema(name, defs); ps != nil {
				props[name] = ps
			}
		}
	}
	s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		s["required"] = required
	}
	if len(defs) > 0 {
		s["$defs"] = defs
	}
	return s
}

// schema is one parameter's JSON Schema.
func (p *Param) schema() map[string]any {
	s := p.ownSchema()
	if p.Or != nil {
		alt := p.Or.ownSchema()
		own := s
		s = map[string]any{"anyOf": []any{own, alt}}
		if d, ok := own["description"]; ok {
			s["description"] = d
			delete(own, "description")
		}
	}
	return s
}

func (p *Param) ownSchema() map[string]any {
	s := map[string]any{}
	if p.Type != TypeAny && p.Type != "" {
		s["type"] = string(p.Type)
	}
	if p.Description != "" {
		s["description"] = PlainText(p.Description)
	}
	if len(p.Enum) > 0 {
		s["enum"] = append([]string(nil), p.Enum...)
	}
	if p.Min != nil {
		s["minimum"] = *p.Min
	}
	if p.Max != nil {
		s["maximum"] = *p.Max
	}
	switch p.Type {
	case TypeString:
		if p.MinLen > 0 {
			s["minLength"] = p.MinLen
		}
		if p.MaxLen > 0 {
			s["maxLength"] = p.MaxLen
		}
		if p.Base64 {
			s["contentEncoding"] = "base64"
		}
	case TypeArray:
		if p.MinLen > 0 {
			s["minItems"] = p.MinLen
		}
		if p.MaxLen > 0 {
			s["maxItems"] = p.MaxLen
		}
		if p.Items != nil {
			s["items"] = p.Items.schema()
		}
	case TypeObject:
		if len(p.Fields) > 0 {
			props := map[string]any{}
			var required []string
			for i := range p.Fields {
				fp := &p.Fields[i]
				props[fp.Name] = fp.schema()
				if fp.Required {
					required = append(required, fp.Name)
				}
			}
			s["properties"] = props
			if len(required) > 0 {
				s["required"] = required
			}
		}
		if !p.Open && len(p.Fields) > 0 {
			s["additionalProperties"] = false
		}
	}
	return s
}

// PlainText drops the markdown code marks of a description.
func PlainText(md string) string { return strings.ReplaceAll(md, "`", "") }

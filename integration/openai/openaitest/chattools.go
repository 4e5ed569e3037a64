package openaitest

import (
	"encoding/json"
	"strings"
)

// Tools in chat completions: the fake calls a tool when tool_choice forces
// it ("required", a named tool, or allowed_tools in required mode), or, with
// "auto" (the default when tools are offered), when the last user message
// names one of the tools offered; otherwise it answers in text. A reply
// after tool messages quotes what the tools answered.

// chatTool is a tool the request offers.
type chatTool struct {
	kind   string // "function" or "custom"
	name   string
	params json.RawMessage // function parameters schema
}

// parseChatTools reads "tools": up to 128 function or custom tools.
func parseChatTools(c *checker, o object) []chatTool {
	items, ok := o.arr("tools", 0, 128)
	if !ok {
		return nil
	}
	var tools []chatTool
	for i, raw := range items {
		t, ok := c.objectAt(indexed("tools", i), raw)
		if !ok {
			return nil
		}
		kind := t.reqStr("type")
		if !c.enumAt(t.param("type"), kind, []string{"function", "custom"}) {
			return nil
		}
		t.require(kind)
		spec, ok := t.obj(kind)
		if !ok {
			return nil
		}
		tool := chatTool{kind: kind, name: checkName(spec, "name")}
		spec.str("description")
		if kind == "function" {
			spec.boolean("strict", false)
			if p, ok := spec.obj("parameters"); ok {
				tool.params, _ = json.Marshal(p.fields)
			}
		}
		tools = append(tools, tool)
	}
	return tools
}

// parseToolChoice returns the tool the reply must call, if any: the named
// one, or the first tool for "required". "auto" answers with text.
func parseToolChoice(c *checker, o object, tools []chatTool) *chatTool {
	raw, ok := o.raw("tool_choice")
	if !ok || c.failed() {
		return nil
	}
	if len(tools) == 0 {
		c.fail(invalidRequest("tool_choice", "invalid_value",
			"Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified."))
		return nil
	}
	if jsonKind(raw) == "string" {
		s, _ := c.stringAt("tool_choice", raw)
		if c.enumAt("tool_choice", s, []string{"none", "auto", "required"}) && s == "required" {
			return &tools[0]
		}
		return nil
	}
	tc, ok := c.objectAt("tool_choice", raw)
	if !ok {
		return nil
	}
	kind := tc.reqStr("type")
	if !c.enumAt(tc.param("type"), kind, []string{"function", "custom", "allowed_tools"}) {
		return nil
	}
	if kind == "allowed_tools" {
		tc.require("allowed_tools")
		if at, ok := tc.obj("allowed_tools"); ok {
			if at.enum("mode", "", "auto", "required") == "required" {
				return &tools[0]
			}
		}
		return nil
	}
	tc.require(kind)
	spec, ok := tc.obj(kind)
	if !ok {
		return nil
	}
	name := spec.reqStr("name")
	for i := range tools {
		if tools[i].kind == kind && tools[i].name == name {
			return &tools[i]
		}
	}
	if !c.failed() {
		c.fail(invalidRequest("tool_choice", "invalid_value",
			"Tool choice '%s' with name '%s' not found in 'tools' parameter.", kind, name))
	}
	return nil
}

// makeToolCall calls tool with arguments built from its parameter schema.
func makeToolCall(tool *chatTool, reply string) toolCall {
	tc := toolCall{ID: "call_" + randomString(24), Type: tool.kind}
	if tool.kind == "custom" {
		tc.Custom = &toolCustom{Name: tool.name, Input: reply}
		return tc
	}
	args := "{}"
	if v, ok := sampleSchema(tool.params, reply).(map[string]any); ok {
		if b, err := json.Marshal(v); err == nil {
			args = string(b)
		}
	}
	tc.Function = &toolFunction{Name: tool.name, Arguments: args}
	return tc
}

// askedTool is the tool the prompt asks for by name when tool_choice lets
// the model choose ("auto", or absent), or nil.
func askedTool(o object, tools []chatTool, prompt string) *chatTool {
	if raw, ok := o.raw("tool_choice"); ok && jsonKind(raw) == "string" && strings.Contains(string(raw), "none") {
		return nil
	}
	for i := range tools {
		if tools[i].name != "" && strings.Contains(prompt, tools[i].name) {
			return &tools[i]
		}
	}
	return nil
}

package openaitest

import (
	"encoding/json"
	"slices"
	"strings"
)

// Items are what conversations hold and what responses read and write:
// messages, function calls and their outputs. This file has their wire
// shapes (those of the spec's ConversationItem and OutputItem) and the
// parsing of InputItem, shared by POST /v1/conversations, POST
// /v1/conversations/{id}/items and POST /v1/responses.

// item is one stored item with what the fake needs to compute a reply.
type item struct {
	id     string
	seq    int64  // position among everything the fake stored, for list order
	role   string // message role; "tool" for call outputs; "" for calls
	text   string // the text parts joined, a call's name and arguments, or an output
	kind   string // "message", "function_call", "custom_tool_call" or "function_call_output"
	callID string // for calls and call outputs
	wire   any    // the item as answered; never changed once stored
}

// messageItem is the spec's Message (in conversations) and OutputMessage (in
// a response's output).
type messageItem struct {
	Type    string `json:"type"`
	ID      string `json:"id"`
	Status  string `json:"status"`
	Role    string `json:"role"`
	Content []any  `json:"content"`
}

// inputTextPart is InputTextContent.
type inputTextPart struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// outputTextPart is OutputTextContent.
type outputTextPart struct {
	Type        string            `json:"type"`
	Text        string            `json:"text"`
	Annotations []json.RawMessage `json:"annotations"`
	Logprobs    []json.RawMessage `json:"logprobs"`
}

// refusalPart is RefusalContent.
type refusalPart struct {
	Type    string `json:"type"`
	Refusal string `json:"refusal"`
}

// inputImagePart is InputImageContent.
type inputImagePart struct {
	Type     string  `json:"type"`
	Detail   string  `json:"detail"`
	FileID   *string `json:"file_id"`
	ImageURL *string `json:"image_url"`
}

// inputFilePart is InputFileContent.
type inputFilePart struct {
	Type     string  `json:"type"`
	FileID   *string `json:"file_id,omitempty"`
	Filename string  `json:"filename,omitempty"`
	FileData string  `json:"file_data,omitempty"`
	FileURL  string  `json:"file_url,omitempty"`
}

// functionCallItem is FunctionToolCallResource.
type functionCallItem struct {
	Type      string `json:"type"`
	ID        string `json:"id"`
	CallID    string `json:"call_id"`
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
	Status    string `json:"status"`
}

// customToolCallItem is CustomToolCall.
type customToolCallItem struct {
	Type   string `json:"type"`
	ID     string `json:"id"`
	CallID string `json:"call_id"`
	Name   string `json:"name"`
	Input  string `json:"input"`
}

// functionCallOutputItem is FunctionToolCallOutputResource.
type functionCallOutputItem struct {
	Type   string          `json:"type"`
	ID     string          `json:"id"`
	CallID string          `json:"call_id"`
	Output json.RawMessage `json:"output"`
	Status string          `json:"status"`
}

// itemTypes are the item types the real API names when an input item's type
// is not one of them, in its order.
var itemTypes = []string{
	"additional_tools", "agent_message", "apply_patch_call", "apply_patch_call_output", "code_interpreter_call",
	"compaction", "compaction_trigger", "computer_call", "computer_call_output", "custom_tool_call",
	"custom_tool_call_output", "file_search_call", "function_call", "function_call_output",
	"image_generation_call", "item_reference", "local_shell_call", "local_shell_call_output",
	"mcp_approval_request", "mcp_approval_response", "mcp_call", "mcp_list_tools", "message",
	"multi_agent_call", "multi_agent_call_output", "program", "program_output", "reasoning", "shell_call",
	"shell_call_output", "tool_search_call", "tool_search_output", "web_search_call",
}

var (
	// itemRoles are the roles of a message item, in the real API's order.
	itemRoles = []string{"assistant", "system", "developer", "user"}
	// partTypes are the content part types the real API knows.
	partTypes = []string{"input_text", "input_image", "input_audio", "output_text", "refusal", "input_file",
		"computer_screenshot", "summary_text", "encrypted_content"}
	inputPartTypes  = []string{"input_text", "input_image", "input_file"}
	outputPartTypes = []string{"output_text", "refusal"}
	itemStatuses    = []string{"in_progress", "completed", "incomplete"}
)

// includeValues are the values of "include" (IncludeEnum).
var includeValues = []string{
	"file_search_call.results", "web_search_call.results", "web_search_call.action.sources",
	"message.input_image.image_url", "computer_call_output.output.image_url", "code_interpreter_call.outputs",
	"reasoning.encrypted_content", "message.output_text.logprobs",
}

// parseInputItems reads an array of InputItem at param. Items get their ids
// when stored (an id given with an item is kept).
func parseInputItems(c *checker, param string, raws []json.RawMessage) []item {
	var out []item
	for i, raw := range raws {
		it, ok := parseInputItem(c, indexed(param, i), raw)
		if !ok {
			return nil
		}
		out = append(out, it)
	}
	return out
}

// parseInputItem reads one InputItem: a message (EasyInputMessage, or an
// input or output message Item), a function call or a function call output.
// Other item types the real API knows are refused as not supported by the
// fake.
func parseInputItem(c *checker, path string, raw json.RawMessage) (item, bool) {
	if c.failed() {
		return item{}, false
	}
	if kind := jsonKind(raw); kind != "object" {
		c.fail(invalidRequest(path, "invalid_type", "Invalid type for '%s': expected an input item, but got %s instead.", path, article(kind)))
		return item{}, false
	}
	o, ok := c.objectAt(path, raw)
	if !ok {
		return item{}, false
	}
	typ := "message"
	if tr, ok := o.raw("type"); ok {
		typ = ""
		if jsonKind(tr) == "string" {
			_ = json.Unmarshal(tr, &typ)
		}
		if !slices.Contains(itemTypes, typ) {
			c.fail(invalidRequest(path, "invalid_value", "Invalid value: '%s'. Supported values are: %s.", typ, quoteList(itemTypes)))
			return item{}, false
		}
	}
	var it item
	switch typ {
	case "message":
		it = parseMessageItem(c, o)
	case "function_call":
		it = parseFunctionCallItem(c, o)
	case "function_call_output":
		it = parseFunctionCallOutputItem(c, o)
	default:
		c.fail(unsupported(o.param("type"), "Input items of type '"+typ+"'"))
	}
	return it, !c.failed()
}

// parseMessageItem reads a message: role, content (a string or parts), and
// the optional id and status (phase too for the assistant's).
func parseMessageItem(c *checker, o object) item {
	role := ""
	if rr, ok := o.raw("role"); ok && jsonKind(rr) == "string" {
		_ = json.Unmarshal(rr, &role)
	}
	if !slices.Contains(itemRoles, role) {
		c.fail(invalidRequest(o.path, "invalid_value", "Invalid value: '%s'. Supported values are: %s.", role, quoteList(itemRoles)))
		return item{}
	}
	known := []string{"type", "role", "content", "id", "status"}
	if role == "assistant" {
		known = append(known, "phase")
	}
	o.only(known...)
	o.require("content")
	id, _ := o.str("id")
	o.enum("status", "", itemStatuses...)
	o.enum("phase", "", "commentary", "final_answer")
	m := messageItem{Type: "message", ID: id, Status: "completed", Role: role}
	var text string
	if craw, ok := o.raw("content"); ok && jsonKind(craw) == "string" {
		text, _ = c.stringAt(o.param("content"), craw)
		if role == "assistant" {
			m.Content = []any{outputText(text)}
		} else {
			m.Content = []any{inputTextPart{Type: "input_text", Text: text}}
		}
	} else if ok {
		m.Content, text = parseItemContent(c, o.param("content"), role, craw)
	}
	return item{id: id, role: role, text: text, kind: "message", wire: m}
}

func outputText(s string) outputTextPart {
	return outputTextPart{Type: "output_text", Text: s, Annotations: []json.RawMessage{}, Logprobs: []json.RawMessage{}}
}

// parseItemContent reads a message's content parts: input_text, input_image
// and input_file for user, system and developer messages, output_text and
// refusal for the assistant's. It returns them and their text.
func parseItemContent(c *checker, param, role string, raw json.RawMessage) ([]any, string) {
	parts, ok := c.arrayAt(param, raw, 0, 0)
	if !ok {
		if !c.failed() {
			c.typeError(param, "string", raw)
		}
		return nil, ""
	}
	allowed := inputPartTypes
	if role == "assistant" {
		allowed = outputPartTypes
	}
	out := []any{}
	var texts []string
	for j, praw := range parts {
		pp := indexed(param, j)
		p, ok := c.objectAt(pp, praw)
		if !ok {
			return nil, ""
		}
		typ := p.reqStr("type")
		if !c.enumAt(p.param("type"), typ, partTypes) {
			return nil, ""
		}
		if !slices.Contains(allowed, typ) {
			c.fail(invalidRequest(pp, "invalid_value", "Invalid value: '%s'. Supported values are: %s.", typ, quoteList(allowed)))
			return nil, ""
		}
		switch typ {
		case "input_text":
			p.only("type", "text", "prompt_cache_breakpoint")
			s := p.reqStr("text")
			texts = append(texts, s)
			out = append(out, inputTextPart{Type: typ, Text: s})
		case "output_text":
			p.only("type", "text", "annotations", "logprobs")
			s := p.reqStr("text")
			texts = append(texts, s)
			part := outputText(s)
			if a, ok := p.arr("annotations", 0, 0); ok {
				part.Annotations = a
			}
			if l, ok := p.arr("logprobs", 0, 0); ok {
				part.Logprobs = l
			}
			out = append(out, part)
		case "refusal":
			p.only("type", "refusal")
			out = append(out, refusalPart{Type: typ, Refusal: p.reqStr("refusal")})
		case "input_image":
			p.only("type", "image_url", "file_id", "detail", "prompt_cache_breakpoint")
			part := inputImagePart{Type: typ, Detail: p.enum("detail", "auto", "low", "high", "auto", "original")}
			if s, ok := p.str("image_url"); ok {
				part.ImageURL = &s
			}
			if s, ok := p.str("file_id"); ok {
				part.FileID = &s
			}
			if part.ImageURL == nil && part.FileID == nil && !c.failed() {
				p.missing("image_url")
			}
			out = append(out, part)
		case "input_file":
			p.only("type", "file_id", "filename", "file_data", "file_url", "detail", "prompt_cache_breakpoint")
			var part inputFilePart
			part.Type = typ
			if s, ok := p.str("file_id"); ok {
				part.FileID = &s
			}
			part.Filename, _ = p.str("filename")
			part.FileData, _ = p.str("file_data")
			part.FileURL, _ = p.str("file_url")
			p.enum("detail", "", "auto", "low", "high")
			if part.FileID == nil && part.FileData == "" && part.FileURL == "" && !c.failed() {
				p.missing("file_id")
			}
			out = append(out, part)
		}
	}
	return out, strings.Join(texts, " ")
}

// parseFunctionCallItem reads a function call the model made earlier.
func parseFunctionCallItem(c *checker, o object) item {
	o.only("type", "id", "call_id", "name", "arguments", "status", "namespace")
	callID := o.reqStr("call_id")
	name := o.reqStr("name")
	args := o.reqStr("arguments")
	id, _ := o.str("id")
	o.str("namespace")
	fc := functionCallItem{Type: "function_call", ID: id, CallID: callID, Name: name, Arguments: args,
		Status: o.enum("status", "completed", itemStatuses...)}
	return item{id: id, text: name + " " + args, kind: "function_call", callID: callID, wire: fc}
}

// parseFunctionCallOutputItem reads the output of a function call: a string,
// or input_text, input_image and input_file parts.
func parseFunctionCallOutputItem(c *checker, o object) item {
	o.only("type", "id", "call_id", "output", "status", "name", "namespace")
	callID := o.reqStr("call_id")
	o.strLen("call_id", callID, 1, 64)
	o.require("output")
	id, _ := o.str("id")
	o.str("name")
	o.str("namespace")
	out := functionCallOutputItem{Type: "function_call_output", ID: id, CallID: callID,
		Status: o.enum("status", "completed", itemStatuses...)}
	var text string
	if raw, ok := o.raw("output"); ok && jsonKind(raw) == "string" {
		text, _ = c.stringAt(o.param("output"), raw)
		out.Output = raw
	} else if ok {
		var parts []any
		parts, text = parseItemContent(c, o.param("output"), "user", raw)
		out.Output, _ = json.Marshal(parts)
	}
	return item{id: id, role: "tool", text: text, kind: "function_call_output", callID: callID, wire: out}
}

// stored gives an item its id (unless it came with one) and its place, and
// returns it as stored.
func (s *state) stored(it item) item {
	if it.id == "" {
		prefix := map[string]string{"message": "msg_", "function_call": "fc_", "custom_tool_call": "ctc_",
			"function_call_output": "fco_"}[it.kind]
		it.id = newID(prefix)
	}
	s.seq++
	it.seq = s.seq
	switch w := it.wire.(type) {
	case messageItem:
		w.ID = it.id
		it.wire = w
	case functionCallItem:
		w.ID = it.id
		it.wire = w
	case customToolCallItem:
		w.ID = it.id
		it.wire = w
	case functionCallOutputItem:
		w.ID = it.id
		it.wire = w
	}
	return it
}

// parseInclude checks the values of an "include" query parameter (repeated,
// or with brackets as some clients send arrays).
func parseInclude(values map[string][]string) error {
	c := &checker{}
	var all []string
	all = append(all, values["include"]...)
	all = append(all, values["include[]"]...)
	for i, v := range all {
		if !c.enumAt(indexed("include", i), v, includeValues) {
			return c.Err()
		}
	}
	return nil
}

// wires returns the answered form of items.
func wires(items []item) []any {
	out := make([]any, len(items))
	for i, it := range items {
		out[i] = it.wire
	}
	return out
}

package openaitest

import (
	"encoding/json"
	"io"
	"math"
	"net/http"
	"slices"
	"strings"
)

// The Responses API, which replaced runs. A response reads its input (and
// the items of its conversation, or of the responses before it) and answers
// with one output item: an assistant message, or a call of the tool that
// tool_choice forces (the same rule as chat completions). A background
// response advances one step each time it is read (queued, in_progress,
// completed), as runs did; the others complete at once.

// responseParams lists the request fields of CreateResponse; any other field
// is refused, as the real API does.
var responseParams = []string{
	"model", "input", "instructions", "conversation", "previous_response_id", "prompt", "include", "tools",
	"tool_choice", "metadata", "text", "temperature", "top_p", "parallel_tool_calls", "stream", "stream_options",
	"background", "max_output_tokens", "max_tool_calls", "reasoning", "user", "safety_identifier",
	"prompt_cache_options", "prompt_cache_key", "prompt_cache_retention", "truncation", "store", "service_tier",
	"top_logprobs", "context_management", "moderation",
}

var (
	// responseToolTypes are the types of the spec's Tool.
	responseToolTypes = []string{
		"function", "custom", "file_search", "code_interpreter", "web_search", "web_search_2025_08_26",
		"web_search_preview", "web_search_preview_2025_03_11", "image_generation", "mcp", "computer",
		"computer_use_preview", "local_shell", "shell", "apply_patch", "tool_search", "namespace",
		"programmatic_tool_calling",
	}
	// toolChoiceTypes are the types of a tool_choice object.
	toolChoiceTypes = []string{
		"function", "custom", "allowed_tools", "mcp", "file_search", "web_search_preview", "computer",
		"computer_use_preview", "computer_use", "web_search_preview_2025_03_11", "image_generation",
		"code_interpreter", "programmatic_tool_calling", "apply_patch", "shell",
	}
	// toolRequires are the fields a built-in tool must have, for the tools
	// the fake accepts without using them.
	toolRequires = map[string][]string{
		"mcp":                  {"server_label"},
		"computer_use_preview": {"environment", "display_width", "display_height"},
		"namespace":            {"name", "description", "tools"},
	}
)

// responseObject is the spec's Response. Fields the real API sends but the
// spec does not declare (store, billing, user when null) are left out.
type responseObject struct {
	ID                 string            `json:"id"`
	Object             string            `json:"object"`
	CreatedAt          int64             `json:"created_at"`
	Status             string            `json:"status"`
	Background         bool              `json:"background"`
	CompletedAt        *int64            `json:"completed_at"`
	Conversation       *conversationRef  `json:"conversation,omitempty"`
	Error              *responseError    `json:"error"`
	IncompleteDetails  *incompleteReason `json:"incomplete_details"`
	Instructions       *string           `json:"instructions"`
	MaxOutputTokens    *int64            `json:"max_output_tokens"`
	MaxToolCalls       *int64            `json:"max_tool_calls"`
	Model              string            `json:"model"`
	Output             []any             `json:"output"`
	ParallelToolCalls  bool              `json:"parallel_tool_calls"`
	PreviousResponseID *string           `json:"previous_response_id"`
	PromptCacheKey     *string           `json:"prompt_cache_key"`
	Reasoning          responseReasoning `json:"reasoning"`
	SafetyIdentifier   *string           `json:"safety_identifier"`
	ServiceTier        string            `json:"service_tier"`
	Temperature        float64           `json:"temperature"`
	Text               responseText      `json:"text"`
	ToolChoice         json.RawMessage   `json:"tool_choice"`
	Tools              []json.RawMessage `json:"tools"`
	TopLogprobs        int64             `json:"top_logprobs"`
	TopP               float64           `json:"top_p"`
	Truncation         string            `json:"truncation"`
	Usage              *responseUsage    `json:"usage"`
	User               *string           `json:"user,omitempty"`
	Metadata           map[string]string `json:"metadata"`
}

type conversationRef struct {
	ID string `json:"id"`
}

// responseError is ResponseError; the fake's responses never fail.
type responseError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type responseReasoning struct {
	Effort  *string `json:"effort"`
	Summary *string `json:"summary"`
}

type responseText struct {
	Format    json.RawMessage `json:"format"`
	Verbosity string          `json:"verbosity"`
}

// responseUsage is ResponseUsage.
type responseUsage struct {
	InputTokens         int                 `json:"input_tokens"`
	InputTokensDetails  inputTokensDetails  `json:"input_tokens_details"`
	OutputTokens        int                 `json:"output_tokens"`
	OutputTokensDetails outputTokensDetails `json:"output_tokens_details"`
	TotalTokens         int                 `json:"total_tokens"`
}

type inputTokensDetails struct {
	CachedTokens     int `json:"cached_tokens"`
	CacheWriteTokens int `json:"cache_write_tokens"`
}

type outputTokensDetails struct {
	ReasoningTokens int `json:"reasoning_tokens"`
}

// functionToolEcho is a function tool as a response lists it.
type functionToolEcho struct {
	Type        string          `json:"type"`
	Name        string          `json:"name"`
	Description *string         `json:"description"`
	Parameters  json.RawMessage `json:"parameters"`
	Strict      bool            `json:"strict"`
}

// responseRequest is a validated CreateResponse.
type responseRequest struct {
	obj          responseObject // what the answer echoes
	input        []item
	convID       string
	previousID   string
	promptID     string
	instructions string
	forced       *chatTool
	format       responseFormat
	maxOutput    int // 0: no limit but the model's
	store        bool
}

// storedResponse is a response with what completing it needs.
type storedResponse struct {
	obj          responseObject
	store        bool
	convID       string
	context      []item // every item the model reads, this request's input last
	instructions string
	prompt       string // text the reply is about
	forced       *chatTool
	format       responseFormat
	maxOutput    int
	output       []item
}

func (h *Handler) createResponse(w http.ResponseWriter, r *http.Request) error {
	body, _ := io.ReadAll(r.Body)
	req, err := parseResponseRequest(body, h.modelFor)
	if err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	sr, err := h.startResponse(req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sr.obj)
	return nil
}

// parseResponseRequest validates a CreateResponse body, in about the order
// the real API reports problems: the model, the input, unknown fields, each
// field, then how fields go together.
func parseResponseRequest(body []byte, modelFor func(endpoint, string) (*modelInfo, error)) (*responseRequest, error) {
	c := &checker{}
	o := c.parseBody(body)
	model := o.reqStr("model")
	if !o.has("input") && !o.has("conversation") {
		o.require("input")
	}
	if _, ok := o.fields["messages"]; ok && !c.failed() {
		c.fail(invalidRequest("", "unsupported_parameter",
			"Unsupported parameter: 'messages'. In the Responses API, this parameter has moved to 'input'. Try again with the new parameter. "+
				"See the API documentation for more information: https://platform.openai.com/docs/api-reference/responses/create."))
	}
	o.only(responseParams...)

	req := &responseRequest{obj: responseObject{
		Object:      "response",
		Model:       model,
		Output:      []any{},
		ServiceTier: "default",
	}}
	emptyInput := false
	if raw, ok := o.raw("input"); ok {
		switch jsonKind(raw) {
		case "string":
			s, _ := c.stringAt("input", raw)
			emptyInput = s == ""
			if s != "" {
				req.input = []item{{role: "user", text: s, kind: "message",
					wire: messageItem{Type: "message", Status: "completed", Role: "user", Content: []any{inputTextPart{Type: "input_text", Text: s}}}}}
			}
		case "array":
			raws, _ := c.arrayAt("input", raw, 0, 0)
			emptyInput = len(raws) == 0
			req.input = parseInputItems(c, "input", raws)
		default:
			c.fail(invalidRequest("input", "invalid_type",
				"Invalid type for 'input': expected one of a string or array of input items, but got %s instead.", article(jsonKind(raw))))
		}
	}
	if s, ok := o.str("previous_response_id"); ok {
		req.previousID = s
		req.obj.PreviousResponseID = &s
	}
	req.convID = parseConversationParam(c, o)
	if req.convID != "" {
		req.obj.Conversation = &conversationRef{ID: req.convID}
	}
	if po, ok := o.obj("prompt"); ok {
		req.promptID = po.reqStr("id")
		po.only("id", "version", "variables")
		po.str("version")
		po.obj("variables")
	}
	if incl, ok := o.arr("include", 0, 0); ok {
		for i, raw := range incl {
			if s, ok := c.stringAt(indexed("include", i), raw); ok {
				c.enumAt(indexed("include", i), s, includeValues)
			}
		}
	}
	var callable []chatTool
	req.obj.Tools, callable = parseResponseTools(c, o)
	req.obj.ToolChoice, req.forced = parseResponseToolChoice(c, o, callable, len(req.obj.Tools) > 0)
	req.obj.Metadata = o.metadata("metadata")
	req.obj.Text, req.format = parseResponseText(c, o)
	req.obj.Temperature = o.numIn("temperature", 1, 0, 2)
	req.obj.TopP = o.numIn("top_p", 1, 0, 1)
	req.obj.ParallelToolCalls = o.boolean("parallel_tool_calls", true)
	if o.boolean("stream", false) {
		c.fail(unsupported("stream", "Streaming responses"))
	}
	if so, ok := o.obj("stream_options"); ok {
		so.only("include_obfuscation")
		so.boolean("include_obfuscation", true)
	}
	req.obj.Background = o.boolean("background", false)
	if o.has("max_output_tokens") {
		n := o.intIn("max_output_tokens", 0, 16, math.MaxInt32)
		req.obj.MaxOutputTokens = &n
		req.maxOutput = int(n)
	}
	if o.has("max_tool_calls") {
		req.obj.MaxToolCalls = ptr(o.intIn("max_tool_calls", 0, 1, math.MaxInt32))
	}
	req.obj.Reasoning = parseResponseReasoning(c, o, model)
	if s, ok := o.str("user"); ok {
		req.obj.User = &s
	}
	if s, ok := o.str("safety_identifier"); ok {
		o.strLen("safety_identifier", s, 0, 64)
		req.obj.SafetyIdentifier = &s
	}
	if pc, ok := o.obj("prompt_cache_options"); ok {
		pc.only("ttl", "mode")
		pc.enum("ttl", "", "30m")
		pc.enum("mode", "", "implicit", "explicit")
	}
	if s, ok := o.str("prompt_cache_key"); ok {
		req.obj.PromptCacheKey = &s
	}
	o.enum("prompt_cache_retention", "", "in_memory", "24h")
	req.obj.Truncation = o.enum("truncation", "disabled", "auto", "disabled")
	if s, ok := o.str("instructions"); ok {
		req.instructions = s
		req.obj.Instructions = &s
	}
	req.store = o.boolean("store", true)
	switch tier := o.enum("service_tier", "auto", serviceTiers...); tier {
	case "flex", "scale", "priority":
		req.obj.ServiceTier = tier
	case "fast":
		req.obj.ServiceTier = "priority"
	}
	req.obj.TopLogprobs = o.intIn("top_logprobs", 0, 0, 20)
	if cm, ok := o.arr("context_management", 1, 0); ok {
		for i, raw := range cm {
			if co, ok := c.objectAt(indexed("context_management", i), raw); ok {
				co.reqStr("type")
				co.intIn("compact_threshold", 0, 1000, math.MaxInt32)
			}
		}
	}
	if mo, ok := o.obj("moderation"); ok {
		mo.only("model", "policy")
		mo.reqStr("model")
	}

	switch {
	case c.failed():
	case req.convID != "" && req.previousID != "":
		c.fail(invalidRequest("", "mutually_exclusive_parameters",
			"Mutually exclusive parameters: ''. Ensure you are only providing one of: 'pre..._id' or 'conversation'."))
	case emptyInput && req.convID == "" && req.previousID == "" && req.promptID == "":
		c.fail(invalidRequest("", "missing_required_parameter",
			`One of "input" or "previous_response_id" or 'prompt' or 'conversation' must be provided.`))
	case req.obj.Background && !req.store:
		c.fail(invalidRequest("background", "invalid_value",
			"Invalid value for 'background': background mode requires 'store' to be true."))
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	// The model is looked up in the model table last, as the other
	// endpoints do (see modelFor for the Responses API's answers).
	if _, err := modelFor(responsesEndpoint, model); err != nil {
		return nil, err
	}
	return req, nil
}

// parseConversationParam reads "conversation": an id, or {"id": ...}.
func parseConversationParam(c *checker, o object) string {
	raw, ok := o.raw("conversation")
	if !ok {
		return ""
	}
	if jsonKind(raw) == "string" {
		s, _ := c.stringAt("conversation", raw)
		return s
	}
	if jsonKind(raw) != "object" {
		c.fail(invalidRequest("conversation", "invalid_type",
			"Invalid type for 'conversation': expected one of a string or an object, but got %s instead.", article(jsonKind(raw))))
		return ""
	}
	co, _ := c.objectAt("conversation", raw)
	co.only("id")
	return co.reqStr("id")
}

// parseResponseTools reads "tools": function and custom tools, which the
// fake may call, and the built-in tools, which it accepts and lists but
// never uses. It returns the tools as the response lists them and the
// callable ones.
func parseResponseTools(c *checker, o object) ([]json.RawMessage, []chatTool) {
	echo := []json.RawMessage{}
	raw, ok := o.raw("tools")
	if !ok {
		return echo, nil
	}
	if jsonKind(raw) != "array" {
		c.fail(invalidRequest("tools", "invalid_type", "Invalid type for 'tools': expected an array of tools, but got %s instead.", article(jsonKind(raw))))
		return echo, nil
	}
	items, _ := c.arrayAt("tools", raw, 0, 128)
	var callable []chatTool
	for i, traw := range items {
		t, ok := c.objectAt(indexed("tools", i), traw)
		if !ok {
			return echo, nil
		}
		kind := t.reqStr("type")
		if !c.enumAt(t.param("type"), kind, responseToolTypes) {
			return echo, nil
		}
		switch kind {
		case "function":
			name := checkName(t, "name")
			t.only("type", "name", "description", "parameters", "strict", "defer_loading", "output_schema", "allowed_callers")
			fn := functionToolEcho{Type: kind, Name: name, Parameters: json.RawMessage("null")}
			if s, ok := t.str("description"); ok {
				fn.Description = &s
			}
			if p, ok := t.obj("parameters"); ok {
				fn.Parameters = t.fields["parameters"]
				callable = append(callable, chatTool{kind: kind, name: name, params: mustJSON(p.fields)})
			} else {
				callable = append(callable, chatTool{kind: kind, name: name})
			}
			fn.Strict = t.boolean("strict", true)
			t.boolean("defer_loading", false)
			t.obj("output_schema")
			t.arr("allowed_callers", 0, 0)
			echo = append(echo, mustJSON(fn))
			continue
		case "custom":
			name := checkName(t, "name")
			t.only("type", "name", "description", "format", "defer_loading", "allowed_callers")
			t.str("description")
			t.obj("format")
			callable = append(callable, chatTool{kind: kind, name: name})
		case "file_search":
			t.only("type", "vector_store_ids", "max_num_results", "ranking_options", "filters")
			t.require("vector_store_ids")
			ids, _ := t.arr("vector_store_ids", 1, 0)
			for j, id := range ids {
				c.stringAt(indexed(t.param("vector_store_ids"), j), id)
			}
			t.intIn("max_num_results", 20, 1, 50)
			t.obj("ranking_options")
			t.obj("filters")
		case "code_interpreter":
			t.only("type", "container", "allowed_callers")
			t.require("container")
			parseContainer(c, t)
		default:
			t.require(toolRequires[kind]...)
		}
		echo = append(echo, traw)
	}
	return echo, callable
}

// parseContainer reads a code interpreter's container: a container id, or
// {"type": "auto"} with the files to put in a new one.
func parseContainer(c *checker, t object) {
	raw, ok := t.raw("container")
	if !ok || jsonKind(raw) == "string" {
		return
	}
	co, ok := t.obj("container")
	if !ok {
		return
	}
	co.only("type", "file_ids", "memory_limit", "network_policy")
	typ := co.reqStr("type")
	c.enumAt(co.param("type"), typ, []string{"auto"})
	ids, _ := co.arr("file_ids", 0, 50)
	for j, id := range ids {
		c.stringAt(indexed(co.param("file_ids"), j), id)
	}
	co.enum("memory_limit", "", "1g", "4g", "16g", "64g")
	co.obj("network_policy")
}

// parseResponseToolChoice reads tool_choice (by default "auto") and returns
// it as the response echoes it, with the tool the reply must call, if any:
// the named function or custom tool, the first callable tool for
// "required", or the first callable allowed tool in required mode.
func parseResponseToolChoice(c *checker, o object, callable []chatTool, hasTools bool) (json.RawMessage, *chatTool) {
	raw, ok := o.raw("tool_choice")
	if !ok {
		return json.RawMessage(`"auto"`), nil
	}
	switch jsonKind(raw) {
	case "string":
		s, _ := c.stringAt("tool_choice", raw)
		if !c.enumAt("tool_choice", s, []string{"none", "auto", "required"}) || s != "required" {
			return raw, nil
		}
		if !hasTools {
			c.fail(invalidRequest("tool_choice", "invalid_value",
				"Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified."))
			return raw, nil
		}
		if len(callable) > 0 {
			return raw, &callable[0]
		}
		return raw, nil
	case "object":
	default:
		c.fail(invalidRequest("tool_choice", "invalid_type",
			"Invalid type for 'tool_choice': expected one of an object or 'none', 'auto', or 'required', but got %s instead.", article(jsonKind(raw))))
		return raw, nil
	}
	tc, _ := c.objectAt("tool_choice", raw)
	kind := tc.reqStr("type")
	if !c.enumAt(tc.param("type"), kind, toolChoiceTypes) {
		return raw, nil
	}
	find := func(kind, name string) *chatTool {
		for i := range callable {
			if callable[i].kind == kind && callable[i].name == name {
				return &callable[i]
			}
		}
		return nil
	}
	switch kind {
	case "function", "custom":
		name := tc.reqStr("name")
		tc.only("type", "name")
		if c.failed() {
			return raw, nil
		}
		if t := find(kind, name); t != nil {
			return raw, t
		}
		c.fail(invalidRequest("tool_choice", "invalid_value",
			"Tool choice '%s' with name '%s' not found in 'tools' parameter.", kind, name))
	case "allowed_tools":
		tc.only("type", "mode", "tools")
		tc.require("mode", "tools")
		mode := tc.enum("mode", "", "auto", "required")
		allowed, _ := tc.arr("tools", 0, 0)
		var first *chatTool
		for i, araw := range allowed {
			a, ok := c.objectAt(indexed(tc.param("tools"), i), araw)
			if !ok {
				return raw, nil
			}
			typ := a.reqStr("type")
			if typ == "function" || typ == "custom" {
				if t := find(typ, a.reqStr("name")); t != nil && first == nil {
					first = t
				}
			}
		}
		if mode == "required" {
			return raw, first
		}
	case "mcp":
		tc.only("type", "server_label", "name")
		tc.reqStr("server_label")
		tc.str("name")
	default:
		tc.only("type")
	}
	return raw, nil
}

// parseResponseText reads "text": the output format (text, json_object, or
// json_schema with its name and schema inline) and the verbosity.
func parseResponseText(c *checker, o object) (responseText, responseFormat) {
	t := responseText{Format: json.RawMessage(`{"type":"text"}`), Verbosity: "medium"}
	f := responseFormat{kind: "text"}
	to, ok := o.obj("text")
	if !ok {
		return t, f
	}
	to.only("format", "verbosity")
	if fo, ok := to.obj("format"); ok {
		kind := fo.reqStr("type")
		if !c.enumAt(fo.param("type"), kind, []string{"json_object", "text", "json_schema"}) {
			return t, f
		}
		f.kind = kind
		if kind == "json_schema" {
			checkName(fo, "name")
			fo.only("type", "name", "schema", "description", "strict")
			fo.require("schema")
			if s, ok := fo.obj("schema"); ok {
				f.schema = mustJSON(s.fields)
			}
			fo.str("description")
			fo.boolean("strict", false)
		} else {
			fo.only("type")
		}
		t.Format = to.fields["format"]
	}
	t.Verbosity = to.enum("verbosity", "medium", "low", "medium", "high")
	return t, f
}

// parseResponseReasoning reads "reasoning". Reasoning models default to
// medium effort; other models refuse an effort.
func parseResponseReasoning(c *checker, o object, model string) responseReasoning {
	var r responseReasoning
	if isReasoningModel(model) {
		r.Effort = ptr("medium")
	}
	ro, ok := o.obj("reasoning")
	if !ok {
		return r
	}
	ro.only("effort", "summary", "context", "mode")
	if e := ro.enum("effort", "", reasoningLevel...); e != "" {
		if !isReasoningModel(model) && !c.failed() {
			c.fail(invalidRequest("reasoning.effort", "unsupported_parameter",
				"Unsupported parameter: 'reasoning.effort' is not supported with this model."))
		}
		r.Effort = &e
	}
	if s := ro.enum("summary", "", "concise", "detailed", "auto"); s != "" {
		r.Summary = &s
	}
	ro.enum("context", "", "auto", "current_turn", "all_turns")
	ro.str("mode")
	return r
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage("null")
	}
	return b
}

// startResponse looks up what the request refers to, stores its input (in
// its conversation, if any) and creates the response: queued in background
// mode, otherwise completed at once. h.mu must be held.
func (h *Handler) startResponse(req *responseRequest) (*storedResponse, error) {
	var conv *conversation
	if req.convID != "" {
		conv = h.state.conversations[req.convID]
		if conv == nil {
			return nil, conversationNotFound(req.convID)
		}
	}
	if req.promptID != "" {
		return nil, notFound("Prompt with id '%s' not found.", req.promptID)
	}
	var context []item
	if req.previousID != "" {
		prev, ok := h.state.responses[req.previousID]
		if !ok {
			return nil, invalidRequest("previous_response_id", "previous_response_not_found",
				"Previous response with id '%s' not found.", req.previousID)
		}
		if prev.obj.Status == "queued" || prev.obj.Status == "in_progress" {
			return nil, invalidRequest("previous_response_id", "",
				"Previous response with id '%s' is still %s; wait for it to finish.", req.previousID, prev.obj.Status)
		}
		context = append(slices.Clone(prev.context), prev.output...)
	}
	if conv != nil {
		context = slices.Clone(conv.items)
	}
	if err := checkCallOutputs(context, req.input); err != nil {
		return nil, err
	}
	if req.format.kind == "json_object" && !mentionsJSON(req.instructions, context, req.input) {
		return nil, invalidRequest("input", "",
			"Response input messages must contain the word 'json' in some form to use 'text.format' of type 'json_object'.")
	}

	var input []item
	if conv != nil {
		input = h.state.appendItems(conv, req.input)
	} else {
		for _, it := range req.input {
			input = append(input, h.state.stored(it))
		}
	}
	context = append(context, input...)
	now := h.cfg.now().Unix()
	sr := &storedResponse{
		obj:          req.obj,
		store:        req.store,
		convID:       req.convID,
		context:      context,
		instructions: req.instructions,
		prompt:       replyPrompt(context),
		forced:       req.forced,
		format:       req.format,
		maxOutput:    req.maxOutput,
	}
	sr.obj.ID = newID("resp_")
	sr.obj.CreatedAt = now
	sr.obj.Status = "queued"
	if !sr.obj.Background {
		h.finishResponse(sr, now)
	}
	if sr.store {
		h.state.responses[sr.obj.ID] = sr
	}
	return sr, nil
}

// checkCallOutputs requires every function call output of input to answer a
// call made before it.
func checkCallOutputs(context, input []item) error {
	calls := map[string]bool{}
	for _, it := range slices.Concat(context, input) {
		switch it.kind {
		case "function_call", "custom_tool_call":
			calls[it.callID] = true
		case "function_call_output":
			if !calls[it.callID] {
				return invalidRequest("input", "", "No tool call found for function call output with call_id %s.", it.callID)
			}
		}
	}
	return nil
}

// mentionsJSON reports whether the instructions or an input message say
// "json", which json_object mode requires.
func mentionsJSON(instructions string, lists ...[]item) bool {
	texts := []string{instructions}
	for _, l := range lists {
		for _, it := range l {
			texts = append(texts, it.text)
		}
	}
	return strings.Contains(strings.ToLower(strings.Join(texts, " ")), "json")
}

// replyPrompt is the text the reply is about: the last user message, or
// the last message of any role if no user spoke.
func replyPrompt(context []item) string {
	lastUser, lastAny := "", ""
	for _, it := range context {
		if it.kind != "message" {
			continue
		}
		if it.role == "user" {
			lastUser = it.text
		}
		lastAny = it.text
	}
	if lastUser != "" {
		return lastUser
	}
	return lastAny
}

// finishResponse completes a response: its output is the forced tool call or
// the reply message (incomplete when max_output_tokens cut it), appended to
// its conversation, with the usage. h.mu must be held.
func (h *Handler) finishResponse(sr *storedResponse, now int64) {
	reply := fakeReply(sr.prompt)
	var out item
	status := "completed"
	outTokens := 0
	if sr.forced != nil {
		tc := makeToolCall(sr.forced, reply)
		if tc.Function != nil {
			out = item{kind: "function_call", callID: tc.ID, text: tc.Function.Name + " " + tc.Function.Arguments,
				wire: functionCallItem{Type: "function_call", CallID: tc.ID, Name: tc.Function.Name, Arguments: tc.Function.Arguments, Status: "completed"}}
			outTokens = CountTokens(tc.Function.Name) + CountTokens(tc.Function.Arguments)
		} else {
			out = item{kind: "custom_tool_call", callID: tc.ID, text: tc.Custom.Name + " " + tc.Custom.Input,
				wire: customToolCallItem{Type: "custom_tool_call", CallID: tc.ID, Name: tc.Custom.Name, Input: tc.Custom.Input}}
			outTokens = CountTokens(tc.Custom.Name) + CountTokens(tc.Custom.Input)
		}
	} else {
		text := sr.format.render(reply, sr.obj.Model)
		limit := maxOutputTokens
		if sr.maxOutput > 0 {
			limit = min(sr.maxOutput, maxOutputTokens)
		}
		if cut, was := truncateTokens(text, limit); was {
			text, status = cut, "incomplete"
		}
		out = item{kind: "message", role: "assistant", text: text,
			wire: messageItem{Type: "message", Status: status, Role: "assistant", Content: []any{outputText(text)}}}
		outTokens = CountTokens(text)
	}
	out = h.state.stored(out)
	sr.output = []item{out}
	if conv := h.state.conversations[sr.convID]; conv != nil {
		conv.items = append(conv.items, out)
	}
	input := CountTokens(sr.instructions)
	for _, it := range sr.context {
		input += CountTokens(it.text)
	}
	sr.obj.Output = wires(sr.output)
	sr.obj.Usage = &responseUsage{InputTokens: input, OutputTokens: outTokens, TotalTokens: input + outTokens}
	sr.obj.Status = status
	if status == "incomplete" {
		sr.obj.IncompleteDetails = &incompleteReason{Reason: "max_output_tokens"}
	} else {
		sr.obj.CompletedAt = ptr(now)
	}
}

// responseNotFound is the real API's 404 for an unknown response id, or one
// created with store set to false.
func responseNotFound(id string) *apiError {
	return notFound("Response with id '%s' not found.", id)
}

// getResponse returns a response; a background one first advances one
// step: queued → in_progress → completed (or incomplete).
func (h *Handler) getResponse(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := parseInclude(q); err != nil {
		return err
	}
	if q.Get("stream") == "true" {
		return unsupported("stream", "Streaming responses")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	id := r.PathValue("response_id")
	sr, ok := h.state.responses[id]
	if !ok {
		return responseNotFound(id)
	}
	switch sr.obj.Status {
	case "queued":
		sr.obj.Status = "in_progress"
	case "in_progress":
		h.finishResponse(sr, h.cfg.now().Unix())
	}
	writeJSON(w, http.StatusOK, sr.obj)
	return nil
}

// cancelResponse cancels a background response that has not finished; its
// output is then never produced. Cancelling is idempotent: a response that
// already finished (completed, incomplete or cancelled) is returned as it
// is. A response that was not created in background mode cannot be
// cancelled.
func (h *Handler) cancelResponse(w http.ResponseWriter, r *http.Request) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	id := r.PathValue("response_id")
	sr, ok := h.state.responses[id]
	if !ok {
		return responseNotFound(id)
	}
	if !sr.obj.Background {
		return invalidRequest("", "", "Cannot cancel a synchronous response.")
	}
	if sr.obj.Status == "queued" || sr.obj.Status == "in_progress" {
		sr.obj.Status = "cancelled"
	}
	writeJSON(w, http.StatusOK, sr.obj)
	return nil
}

package openaitest

import (
	"encoding/json"
	"io"
	"math"
	"net/http"
	"strings"
)

// chatParams lists the request fields of CreateChatCompletionRequest; any
// other field is refused, as the real API does.
var chatParams = []string{
	"messages", "model", "audio", "frequency_penalty", "function_call", "functions", "logit_bias",
	"logprobs", "max_completion_tokens", "max_tokens", "metadata", "modalities", "moderation", "n",
	"parallel_tool_calls", "prediction", "presence_penalty", "prompt_cache_key", "prompt_cache_options",
	"prompt_cache_retention", "reasoning_effort", "response_format", "safety_identifier", "seed",
	"service_tier", "stop", "store", "stream", "stream_options", "temperature", "tool_choice", "tools",
	"top_logprobs", "top_p", "user", "verbosity", "web_search_options",
}

var (
	chatRoles      = []string{"developer", "system", "user", "assistant", "tool", "function"}
	serviceTiers   = []string{"auto", "default", "flex", "scale", "priority", "fast"}
	reasoningLevel = []string{"none", "minimal", "low", "medium", "high", "xhigh", "max"}
)

// chatRequest is a validated chat completion request.
type chatRequest struct {
	model        string
	texts        []string // text of each message
	prompt       string   // text the reply is about
	n            int
	maxTokens    int // 0: no limit
	format       responseFormat
	stop         []string
	stream       bool
	includeUsage bool
	logprobs     bool
	topLogprobs  int
	forced       *chatTool // tool the model must call
	serviceTier  string
}

func (h *Handler) chatCompletions(w http.ResponseWriter, r *http.Request) error {
	body, _ := io.ReadAll(r.Body)
	req, err := parseChatRequest(body)
	if err != nil {
		return err
	}
	if _, err := h.modelFor(chatEndpoint, req.model); err != nil {
		return err
	}
	resp := buildChatCompletion(req, h.cfg.now().Unix())
	if req.stream {
		var fault *StreamFault
		if f, ok := h.streams.take(req.model); ok {
			fault = &f
		}
		streamChat(r.Context(), w, req, resp, fault)
		return nil
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

func parseChatRequest(raw []byte) (*chatRequest, error) {
	c := &checker{}
	o := c.parseBody(raw)
	o.require("model", "messages")
	o.only(chatParams...)
	req := &chatRequest{format: responseFormat{kind: "text"}}
	req.model = o.reqStr("model")
	o.strLen("model", req.model, 1, 0)

	msgs, _ := o.arr("messages", 1, 0)
	lastUser, lastAny, lastRole := "", "", ""
	var toolResults []string // the tool messages after the last user message
	for i, raw := range msgs {
		role, text := parseChatMessage(c, indexed("messages", i), raw)
		req.texts = append(req.texts, text)
		switch role {
		case "user":
			lastUser, toolResults = text, nil
		case "tool":
			toolResults = append(toolResults, text)
		}
		lastAny, lastRole = text, role
	}
	req.prompt = lastUser
	if req.prompt == "" {
		req.prompt = lastAny
	}
	if lastRole == "tool" && len(toolResults) > 0 {
		// The model uses what its tools answered.
		req.prompt = strings.TrimSpace(lastUser + " Tool results: " + strings.Join(toolResults, "; "))
	}

	req.n = int(o.intIn("n", 1, 1, 128))
	if _, known := lookupModel(req.model); known && !c.failed() {
		// What the model refuses, by the table kosmo reads too (a model
		// the account does not have is a 404 first).
		var body map[string]any
		if json.Unmarshal(raw, &body) == nil {
			if refused := chatFamily(req.model).Refusals(body); len(refused) > 0 {
				c.fail(invalidRequest(refused[0].Param, refused[0].Code, "%s", refused[0].Message))
			}
		}
	}
	maxTok := o.intIn("max_tokens", 0, 1, math.MaxInt32)
	if o.has("max_completion_tokens") {
		maxTok = o.intIn("max_completion_tokens", 0, 1, math.MaxInt32)
	}
	req.maxTokens = int(maxTok)
	o.numIn("temperature", 1, 0, 2)
	o.numIn("top_p", 1, 0, 1)
	o.numIn("frequency_penalty", 0, -2, 2)
	o.numIn("presence_penalty", 0, -2, 2)
	o.intIn("seed", 0, math.MinInt64, math.MaxInt64)
	o.str("user")
	o.str("safety_identifier")
	o.str("prompt_cache_key")
	o.enum("prompt_cache_retention", "", "in_memory", "24h")
	o.metadata("metadata")
	o.boolean("store", false)
	o.boolean("parallel_tool_calls", true)
	o.enum("reasoning_effort", "", reasoningLevel...)
	o.enum("verbosity", "", "low", "medium", "high")
	for _, name := range []string{"logit_bias", "prediction", "web_search_options", "prompt_cache_options", "moderation"} {
		o.obj(name)
	}
	req.serviceTier = o.enum("service_tier", "auto", serviceTiers...)

	req.stream = o.boolean("stream", false)
	if so, ok := o.obj("stream_options"); ok {
		if !req.stream {
			c.fail(invalidRequest("stream_options", "invalid_value",
				"The 'stream_options' parameter is only allowed when 'stream' is enabled."))
		}
		req.includeUsage = so.boolean("include_usage", false)
		so.boolean("include_obfuscation", false)
	}
	req.logprobs = o.boolean("logprobs", false)
	req.topLogprobs = int(o.intIn("top_logprobs", 0, 0, 20))
	if o.has("top_logprobs") && !req.logprobs && !c.failed() {
		c.fail(invalidRequest("top_logprobs", "invalid_value",
			"Invalid value for 'top_logprobs': 'logprobs' must be set to true when 'top_logprobs' is used."))
	}
	req.stop = parseStop(o)

	if mods, ok := o.arr("modalities", 0, 0); ok {
		for i, raw := range mods {
			if m, ok := c.stringAt(indexed("modalities", i), raw); ok &&
				c.enumAt(indexed("modalities", i), m, []string{"text", "audio"}) && m == "audio" {
				c.fail(unsupported("modalities", "Audio output"))
			}
		}
	}
	if o.has("audio") {
		c.fail(unsupported("audio", "Audio output"))
	}
	if fo, ok := o.obj("response_format"); ok {
		req.format = parseResponseFormat(c, fo)
	}
	tools := parseChatTools(c, o)
	req.forced = parseToolChoice(c, o, tools)
	if req.forced == nil && lastRole == "user" && !c.failed() {
		req.forced = askedTool(o, tools, lastUser)
	}
	if o.has("functions") {
		if fns, ok := o.arr("functions", 1, 128); ok {
			for i, raw := range fns {
				if fo, ok := c.objectAt(indexed("functions", i), raw); ok {
					checkName(fo, "name")
				}
			}
		}
	}
	if raw, ok := o.raw("function_call"); ok && jsonKind(raw) == "string" {
		s, _ := c.stringAt("function_call", raw)
		c.enumAt("function_call", s, []string{"none", "auto"})
	} else if ok {
		c.objectAt("function_call", raw)
	}

	if req.format.kind == "json_object" && !c.failed() {
		if !strings.Contains(strings.ToLower(strings.Join(req.texts, " ")), "json") {
			c.fail(invalidRequest("messages", "",
				"'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'."))
		}
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	return req, nil
}

// parseChatMessage validates one message and returns its role and text (its
// string content, or its text parts joined by spaces).
func parseChatMessage(c *checker, path string, raw json.RawMessage) (role, text string) {
	m, ok := c.objectAt(path, raw)
	if !ok {
		return "", ""
	}
	role = m.reqStr("role")
	if !c.enumAt(m.param("role"), role, chatRoles) {
		return "", ""
	}
	switch role {
	case "tool":
		m.reqStr("tool_call_id")
	case "function":
		m.reqStr("name")
	default:
		if m.has("name") {
			m.str("name")
		}
	}
	if role != "assistant" && role != "function" {
		m.require("content")
	}
	craw, ok := m.raw("content")
	if !ok {
		return role, ""
	}
	cp := m.param("content")
	if jsonKind(craw) == "string" {
		s, _ := c.stringAt(cp, craw)
		return role, s
	}
	if role == "function" {
		c.typeError(cp, "string", craw)
		return role, ""
	}
	parts, ok := c.arrayAt(cp, craw, 1, 0)
	if !ok {
		if !c.failed() {
			c.typeError(cp, "string", craw)
		}
		return role, ""
	}
	allowed := map[string][]string{
		"user":      {"text", "image_url", "input_audio", "file"},
		"assistant": {"text", "refusal"},
	}[role]
	if allowed == nil {
		allowed = []string{"text"}
	}
	var texts []string
	for j, praw := range parts {
		p, ok := c.objectAt(indexed(cp, j), praw)
		if !ok {
			break
		}
		typ := p.reqStr("type")
		if !c.enumAt(p.param("type"), typ, allowed) {
			break
		}
		switch typ {
		case "text":
			texts = append(texts, p.reqStr("text"))
		case "refusal":
			p.reqStr("refusal")
		case "image_url":
			p.require("image_url")
			if sub, ok := p.obj("image_url"); ok {
				sub.reqStr("url")
				sub.enum("detail", "auto", "auto", "low", "high")
			}
		case "input_audio":
			p.require("input_audio")
			if sub, ok := p.obj("input_audio"); ok {
				sub.reqStr("data")
				sub.require("format")
				sub.enum("format", "", "wav", "mp3")
			}
		case "file":
			p.require("file")
			p.obj("file")
		}
	}
	return role, strings.Join(texts, " ")
}

// parseStop reads "stop": a string or up to 4 strings.
func parseStop(o object) []string {
	raw, ok := o.raw("stop")
	if !ok {
		return nil
	}
	if jsonKind(raw) == "string" {
		s, _ := o.c.stringAt("stop", raw)
		if s == "" {
			return nil
		}
		return []string{s}
	}
	items, ok := o.c.arrayAt("stop", raw, 0, 4)
	if !ok {
		return nil
	}
	var stops []string
	for i, it := range items {
		if s, ok := o.c.stringAt(indexed("stop", i), it); ok && s != "" {
			stops = append(stops, s)
		}
	}
	return stops
}

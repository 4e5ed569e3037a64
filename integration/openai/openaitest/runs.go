package openaitest

import (
	"cmp"
	"encoding/json"
	"math"
	"net/http"
	"strings"
)

// runObject is RunObject; format is the response format its reply follows.
type runObject struct {
	ID                  string            `json:"id"`
	Object              string            `json:"object"`
	CreatedAt           int64             `json:"created_at"`
	ThreadID            string            `json:"thread_id"`
	AssistantID         string            `json:"assistant_id"`
	Status              string            `json:"status"`
	RequiredAction      *json.RawMessage  `json:"required_action"`
	LastError           *json.RawMessage  `json:"last_error"`
	ExpiresAt           *int64            `json:"expires_at"`
	StartedAt           *int64            `json:"started_at"`
	CancelledAt         *int64            `json:"cancelled_at"`
	FailedAt            *int64            `json:"failed_at"`
	CompletedAt         *int64            `json:"completed_at"`
	IncompleteDetails   *incompleteReason `json:"incomplete_details"`
	Model               string            `json:"model"`
	Instructions        string            `json:"instructions"`
	Tools               []json.RawMessage `json:"tools"`
	Metadata            map[string]string `json:"metadata"`
	Usage               *runUsage         `json:"usage"`
	Temperature         float64           `json:"temperature"`
	TopP                float64           `json:"top_p"`
	MaxPromptTokens     *int64            `json:"max_prompt_tokens"`
	MaxCompletionTokens *int64            `json:"max_completion_tokens"`
	TruncationStrategy  json.RawMessage   `json:"truncation_strategy"`
	ToolChoice          json.RawMessage   `json:"tool_choice"`
	ParallelToolCalls   bool              `json:"parallel_tool_calls"`
	ResponseFormat      json.RawMessage   `json:"response_format"`

	format responseFormat
}

// runUsage is RunCompletionUsage.
type runUsage struct {
	CompletionTokens int `json:"completion_tokens"`
	PromptTokens     int `json:"prompt_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// runExpiry is how long a run may stay queued or in progress (10 minutes).
const runExpiry = 600

func (h *Handler) createRun(w http.ResponseWriter, r *http.Request) error {
	c := &checker{}
	o := readJSONBody(r, c, "assistant_id", "model", "reasoning_effort", "instructions", "additional_instructions",
		"additional_messages", "tools", "metadata", "temperature", "top_p", "stream", "max_prompt_tokens",
		"max_completion_tokens", "truncation_strategy", "tool_choice", "parallel_tool_calls", "response_format")
	assistantID := o.reqStr("assistant_id")
	model, _ := o.str("model")
	instructions := optString(o, "instructions", 256000)
	additional := optString(o, "additional_instructions", 256000)
	items, _ := o.arr("additional_messages", 0, 32)
	var extra []*messageObject
	for i, raw := range items {
		if mo, ok := c.objectAt(indexed("additional_messages", i), raw); ok {
			extra = append(extra, parseMessageRequest(c, mo))
		}
	}
	var tools []json.RawMessage
	if o.has("tools") {
		tools = parseAssistantTools(c, o)
	}
	o.enum("reasoning_effort", "", reasoningLevel...)
	md := o.metadata("metadata")
	if o.boolean("stream", false) {
		c.fail(unsupported("stream", "Streaming runs"))
	}
	run := &runObject{Object: "thread.run", Status: "queued", Metadata: md}
	if o.has("max_prompt_tokens") {
		run.MaxPromptTokens = ptr(o.intIn("max_prompt_tokens", 0, 256, math.MaxInt32))
	}
	if o.has("max_completion_tokens") {
		run.MaxCompletionTokens = ptr(o.intIn("max_completion_tokens", 0, 256, math.MaxInt32))
	}
	run.TruncationStrategy = parseTruncation(c, o)
	run.ToolChoice = parseRunToolChoice(c, o)
	run.ParallelToolCalls = o.boolean("parallel_tool_calls", true)
	var format json.RawMessage
	var rf responseFormat
	if o.has("response_format") {
		format, rf = parseAssistantsFormat(c, o)
	}
	temperature := o.numIn("temperature", math.NaN(), 0, 2)
	topP := o.numIn("top_p", math.NaN(), 0, 1)
	if c.failed() {
		return c.Err()
	}

	h.mu.Lock()
	defer h.mu.Unlock()
	t, err := h.lookupThread(r)
	if err != nil {
		return err
	}
	a, ok := h.state.assistantByID[assistantID]
	if !ok {
		return notFound("No assistant found with id '%s'.", assistantID)
	}
	if t.active != "" {
		return invalidRequest("", "", "Thread %s already has an active run %s.", t.obj.ID, t.active)
	}
	now := h.cfg.now().Unix()
	for _, m := range extra {
		t.add(m, now)
	}
	run.ID = newID("run_")
	run.CreatedAt = now
	run.ThreadID = t.obj.ID
	run.AssistantID = a.ID
	run.ExpiresAt = ptr(now + runExpiry)
	run.Model = cmp.Or(model, a.Model)
	switch {
	case instructions != nil:
		run.Instructions = *instructions
	case a.Instructions != nil:
		run.Instructions = *a.Instructions
	}
	if additional != nil {
		run.Instructions = strings.TrimSpace(run.Instructions + "\n" + *additional)
	}
	run.Tools = a.Tools
	if tools != nil {
		run.Tools = tools
	}
	run.Temperature, run.TopP = a.Temperature, a.TopP
	if !math.IsNaN(temperature) {
		run.Temperature = temperature
	}
	if !math.IsNaN(topP) {
		run.TopP = topP
	}
	run.ResponseFormat, run.format = a.ResponseFormat, a.format
	if format != nil {
		run.ResponseFormat, run.format = format, rf
	}
	t.runs[run.ID] = run
	t.active = run.ID
	writeJSON(w, http.StatusOK, *run)
	return nil
}

// getRun returns a run after advancing it one step: queued → in_progress →
// completed (or incomplete when max_completion_tokens cut the reply). On
// completion the assistant's reply is appended to the thread.
func (h *Handler) getRun(w http.ResponseWriter, r *http.Request) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	t, err := h.lookupThread(r)
	if err != nil {
		return err
	}
	id := r.PathValue("run_id")
	run, ok := t.runs[id]
	if !ok {
		return notFound("No run found with id '%s'.", id)
	}
	now := h.cfg.now().Unix()
	switch run.Status {
	case "queued":
		run.Status = "in_progress"
		run.StartedAt = ptr(now)
	case "in_progress":
		h.finishRun(t, run, now)
	}
	writeJSON(w, http.StatusOK, *run)
	return nil
}

// finishRun completes a run: it writes the reply to the thread's last user
// message as an assistant message and sets the run's usage.
func (h *Handler) finishRun(t *thread, run *runObject, now int64) {
	prompt := CountTokens(run.Instructions)
	lastUser := ""
	for _, m := range t.messages {
		prompt += CountTokens(m.text)
		if m.Role == "user" {
			lastUser = m.text
		}
	}
	text := run.format.render(fakeReply(lastUser), run.Model)
	m := &messageObject{
		Role:        "assistant",
		Status:      "completed",
		AssistantID: ptr(run.AssistantID),
		RunID:       ptr(run.ID),
		Attachments: []json.RawMessage{},
		Metadata:    map[string]string{},
	}
	run.Status = "completed"
	if run.MaxCompletionTokens != nil {
		if cut, was := truncateTokens(text, int(*run.MaxCompletionTokens)); was {
			text = cut
			run.Status = "incomplete"
			run.IncompleteDetails = &incompleteReason{Reason: "max_completion_tokens"}
			m.Status = "incomplete"
			m.IncompleteDetails = &incompleteReason{Reason: "max_tokens"}
			m.IncompleteAt = ptr(now)
		}
	}
	if m.Status == "completed" {
		m.CompletedAt = ptr(now)
		run.CompletedAt = ptr(now)
	}
	m.text = text
	m.Content = []messageContent{textContent(text)}
	t.add(m, now)
	run.ExpiresAt = nil
	completion := CountTokens(text)
	run.Usage = &runUsage{PromptTokens: prompt, CompletionTokens: completion, TotalTokens: prompt + completion}
	t.active = ""
}

// parseTruncation reads truncation_strategy, by default {"type":"auto"}.
func parseTruncation(c *checker, o object) json.RawMessage {
	ts, ok := o.obj("truncation_strategy")
	if !ok {
		return json.RawMessage(`{"type":"auto","last_messages":null}`)
	}
	typ := ts.reqStr("type")
	c.enumAt(ts.param("type"), typ, []string{"auto", "last_messages"})
	if ts.has("last_messages") {
		n := ts.intIn("last_messages", 1, 1, math.MaxInt32)
		b, _ := json.Marshal(map[string]any{"type": typ, "last_messages": n})
		return b
	}
	b, _ := json.Marshal(map[string]any{"type": typ, "last_messages": nil})
	return b
}

// parseRunToolChoice reads tool_choice, by default "auto".
func parseRunToolChoice(c *checker, o object) json.RawMessage {
	raw, ok := o.raw("tool_choice")
	if !ok {
		return json.RawMessage(`"auto"`)
	}
	if jsonKind(raw) == "string" {
		s, _ := c.stringAt("tool_choice", raw)
		c.enumAt("tool_choice", s, []string{"none", "auto", "required"})
		return raw
	}
	tc, ok := c.objectAt("tool_choice", raw)
	if !ok {
		return nil
	}
	typ := tc.reqStr("type")
	if c.enumAt(tc.param("type"), typ, []string{"function", "code_interpreter", "file_search"}) && typ == "function" {
		tc.require("function")
		if f, ok := tc.obj("function"); ok {
			f.reqStr("name")
		}
	}
	return raw
}

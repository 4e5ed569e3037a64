package openaitest

import (
	"encoding/json"
	"net/http"
	"strings"
)

// threadObject is ThreadObject.
type threadObject struct {
	ID            string            `json:"id"`
	Object        string            `json:"object"`
	CreatedAt     int64             `json:"created_at"`
	Metadata      map[string]string `json:"metadata"`
	ToolResources toolResources     `json:"tool_resources"`
}

// messageObject is MessageObject; text keeps its text parts for replies
// and token counts.
type messageObject struct {
	ID                string            `json:"id"`
	Object            string            `json:"object"`
	CreatedAt         int64             `json:"created_at"`
	ThreadID          string            `json:"thread_id"`
	Status            string            `json:"status"`
	IncompleteDetails *incompleteReason `json:"incomplete_details"`
	CompletedAt       *int64            `json:"completed_at"`
	IncompleteAt      *int64            `json:"incomplete_at"`
	Role              string            `json:"role"`
	Content           []messageContent  `json:"content"`
	AssistantID       *string           `json:"assistant_id"`
	RunID             *string           `json:"run_id"`
	Attachments       []json.RawMessage `json:"attachments"`
	Metadata          map[string]string `json:"metadata"`
	text              string            // the text parts, joined
}

// incompleteReason is the incomplete_details of messages and runs.
type incompleteReason struct {
	Reason string `json:"reason"`
}

// messageContent is one content part: text, image_file or image_url.
type messageContent struct {
	Type      string          `json:"type"`
	Text      *messageText    `json:"text,omitempty"`
	ImageFile json.RawMessage `json:"image_file,omitempty"`
	ImageURL  json.RawMessage `json:"image_url,omitempty"`
}

// messageText is the text of a text content part.
type messageText struct {
	Value       string            `json:"value"`
	Annotations []json.RawMessage `json:"annotations"`
}

func (h *Handler) createThread(w http.ResponseWriter, r *http.Request) error {
	c := &checker{}
	o := readJSONBody(r, c, "messages", "tool_resources", "metadata")
	items, _ := o.arr("messages", 0, 32)
	var msgs []*messageObject
	for i, raw := range items {
		if mo, ok := c.objectAt(indexed("messages", i), raw); ok {
			msgs = append(msgs, parseMessageRequest(c, mo))
		}
	}
	t := &thread{runs: map[string]*runObject{}}
	t.obj = threadObject{Object: "thread", ToolResources: parseToolResources(c, o), Metadata: o.metadata("metadata")}
	if c.failed() {
		return c.Err()
	}
	h.mu.Lock()
	now := h.cfg.now().Unix()
	t.obj.ID = newID("thread_")
	t.obj.CreatedAt = now
	for _, m := range msgs {
		t.add(m, now)
	}
	h.state.threads[t.obj.ID] = t
	out := t.obj
	h.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
	return nil
}

// add appends a message to the thread, giving it its id and times.
func (t *thread) add(m *messageObject, now int64) {
	m.ID = newID("msg_")
	m.Object = "thread.message"
	m.ThreadID = t.obj.ID
	m.CreatedAt = now
	t.messages = append(t.messages, m)
}

// lookupThread returns the thread named in the path; h.mu must be held.
func (h *Handler) lookupThread(r *http.Request) (*thread, error) {
	id := r.PathValue("thread_id")
	t, ok := h.state.threads[id]
	if !ok {
		return nil, notFound("No thread found with id '%s'.", id)
	}
	return t, nil
}

func (h *Handler) createMessage(w http.ResponseWriter, r *http.Request) error {
	c := &checker{}
	o := readJSONBody(r, c, "role", "content", "attachments", "metadata")
	m := parseMessageRequest(c, o)
	if c.failed() {
		return c.Err()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	t, err := h.lookupThread(r)
	if err != nil {
		return err
	}
	if t.active != "" {
		return invalidRequest("", "", "Can't add messages to %s while a run %s is active.", t.obj.ID, t.active)
	}
	t.add(m, h.cfg.now().Unix())
	writeJSON(w, http.StatusOK, *m)
	return nil
}

func (h *Handler) listMessages(w http.ResponseWriter, r *http.Request) error {
	q, err := parseListQuery(r, 20, 100, true)
	if err != nil {
		return err
	}
	runID := r.URL.Query().Get("run_id")
	h.mu.Lock()
	t, err := h.lookupThread(r)
	var items []messageObject
	if err == nil {
		for _, m := range t.messages {
			if runID == "" || (m.RunID != nil && *m.RunID == runID) {
				items = append(items, *m)
			}
		}
	}
	h.mu.Unlock()
	if err != nil {
		return err
	}
	resp, err := paginate(items, func(m messageObject) string { return m.ID },
		func(m messageObject) int64 { return m.CreatedAt }, q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

func textContent(s string) messageContent {
	return messageContent{Type: "text", Text: &messageText{Value: s, Annotations: []json.RawMessage{}}}
}

// parseMessageRequest reads a CreateMessageRequest: role, content (a string
// or text/image parts), attachments and metadata.
func parseMessageRequest(c *checker, o object) *messageObject {
	m := &messageObject{Status: "completed", Attachments: []json.RawMessage{}}
	o.require("role", "content")
	m.Role = o.reqStr("role")
	c.enumAt(o.param("role"), m.Role, []string{"user", "assistant"})
	raw, ok := o.raw("content")
	if ok && jsonKind(raw) == "string" {
		s, _ := c.stringAt(o.param("content"), raw)
		o.strLen("content", s, 1, 256000)
		m.text = s
		m.Content = []messageContent{textContent(s)}
	} else if ok {
		m.Content, m.text = parseContentParts(c, o.param("content"), raw)
	}
	if items, ok := o.arr("attachments", 0, 10); ok {
		for i, a := range items {
			ao, ok := c.objectAt(indexed(o.param("attachments"), i), a)
			if !ok {
				break
			}
			ao.str("file_id")
			tools, _ := ao.arr("tools", 0, 0)
			for j, traw := range tools {
				if to, ok := c.objectAt(indexed(ao.param("tools"), j), traw); ok {
					typ := to.reqStr("type")
					c.enumAt(to.param("type"), typ, []string{"code_interpreter", "file_search"})
				}
			}
			m.Attachments = append(m.Attachments, a)
		}
	}
	m.Metadata = o.metadata("metadata")
	return m
}

// parseContentParts reads an array of message content parts.
func parseContentParts(c *checker, param string, raw json.RawMessage) ([]messageContent, string) {
	parts, ok := c.arrayAt(param, raw, 1, 100)
	if !ok {
		if !c.failed() {
			c.typeError(param, "string", raw)
		}
		return nil, ""
	}
	var out []messageContent
	var texts []string
	for i, praw := range parts {
		p, ok := c.objectAt(indexed(param, i), praw)
		if !ok {
			return nil, ""
		}
		typ := p.reqStr("type")
		if !c.enumAt(p.param("type"), typ, []string{"text", "image_file", "image_url"}) {
			return nil, ""
		}
		switch typ {
		case "text":
			s := p.reqStr("text")
			texts = append(texts, s)
			out = append(out, textContent(s))
		case "image_file":
			p.require("image_file")
			if sub, ok := p.obj("image_file"); ok {
				sub.reqStr("file_id")
				sub.enum("detail", "auto", "auto", "low", "high")
				out = append(out, messageContent{Type: typ, ImageFile: p.fields["image_file"]})
			}
		case "image_url":
			p.require("image_url")
			if sub, ok := p.obj("image_url"); ok {
				sub.reqStr("url")
				sub.enum("detail", "auto", "auto", "low", "high")
				out = append(out, messageContent{Type: typ, ImageURL: p.fields["image_url"]})
			}
		}
	}
	return out, strings.Join(texts, " ")
}

package openaitest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
)

// The Assistants API (assistants, threads, messages, runs), kept in memory.
// The real API deprecates it; the fake serves it as documented. This file
// has the assistants and what the other parts share.

// assistantObject is AssistantObject.
type assistantObject struct {
	ID             string            `json:"id"`
	Object         string            `json:"object"`
	CreatedAt      int64             `json:"created_at"`
	Name           *string           `json:"name"`
	Description    *string           `json:"description"`
	Model          string            `json:"model"`
	Instructions   *string           `json:"instructions"`
	Tools          []json.RawMessage `json:"tools"`
	ToolResources  toolResources     `json:"tool_resources"`
	Metadata       map[string]string `json:"metadata"`
	Temperature    float64           `json:"temperature"`
	TopP           float64           `json:"top_p"`
	ResponseFormat json.RawMessage   `json:"response_format"`

	format responseFormat
}

// toolResources is the tool_resources of assistants and threads ({} when
// none were given, as the real API answers).
type toolResources struct {
	CodeInterpreter *fileIDs        `json:"code_interpreter,omitempty"`
	FileSearch      *vectorStoreIDs `json:"file_search,omitempty"`
}

type fileIDs struct {
	FileIDs []string `json:"file_ids"`
}

type vectorStoreIDs struct {
	VectorStoreIDs []string `json:"vector_store_ids"`
}

func ptr[T any](v T) *T { return &v }

// readJSONBody reads the request's JSON object, refusing fields not in known.
// An empty body counts as {} (the API reference itself creates threads with
// an empty body).
func readJSONBody(r *http.Request, c *checker, known ...string) object {
	body, _ := io.ReadAll(r.Body)
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	o := c.parseBody(body)
	o.only(known...)
	return o
}

func (h *Handler) createAssistant(w http.ResponseWriter, r *http.Request) error {
	c := &checker{}
	o := readJSONBody(r, c, "model", "name", "description", "instructions", "reasoning_effort", "tools",
		"tool_resources", "metadata", "temperature", "top_p", "response_format")
	a := &assistantObject{Object: "assistant"}
	a.Model = o.reqStr("model")
	o.strLen("model", a.Model, 1, 0)
	a.Name = optString(o, "name", 256)
	a.Description = optString(o, "description", 512)
	a.Instructions = optString(o, "instructions", 256000)
	o.enum("reasoning_effort", "", reasoningLevel...)
	a.Tools = parseAssistantTools(c, o)
	a.ToolResources = parseToolResources(c, o)
	a.Metadata = o.metadata("metadata")
	a.Temperature = o.numIn("temperature", 1, 0, 2)
	a.TopP = o.numIn("top_p", 1, 0, 1)
	a.ResponseFormat, a.format = parseAssistantsFormat(c, o)
	if c.failed() {
		return c.Err()
	}
	h.mu.Lock()
	a.ID = newID("asst_")
	a.CreatedAt = h.cfg.now().Unix()
	h.state.assistants = append(h.state.assistants, a)
	h.state.assistantByID[a.ID] = a
	out := *a
	h.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) listAssistants(w http.ResponseWriter, r *http.Request) error {
	q, err := parseListQuery(r, 20, 100, true)
	if err != nil {
		return err
	}
	h.mu.Lock()
	items := copyAll(h.state.assistants)
	h.mu.Unlock()
	resp, err := paginate(items, func(a assistantObject) string { return a.ID },
		func(a assistantObject) int64 { return a.CreatedAt }, q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// optString reads an optional, nullable string of at most maxLen characters.
func optString(o object, name string, maxLen int) *string {
	s, ok := o.str(name)
	if !ok {
		return nil
	}
	o.strLen(name, s, 0, maxLen)
	return &s
}

// parseAssistantTools reads "tools": up to 128 of code_interpreter,
// file_search and function tools; they are echoed as given.
func parseAssistantTools(c *checker, o object) []json.RawMessage {
	tools := []json.RawMessage{}
	items, _ := o.arr("tools", 0, 128)
	for i, raw := range items {
		t, ok := c.objectAt(indexed(o.param("tools"), i), raw)
		if !ok {
			break
		}
		typ := t.reqStr("type")
		if !c.enumAt(t.param("type"), typ, []string{"code_interpreter", "file_search", "function"}) {
			break
		}
		switch typ {
		case "function":
			t.require("function")
			if f, ok := t.obj("function"); ok {
				checkName(f, "name")
				f.str("description")
				f.obj("parameters")
				f.boolean("strict", false)
			}
		case "file_search":
			if fs, ok := t.obj("file_search"); ok {
				fs.intIn("max_num_results", 20, 1, 50)
			}
		}
		tools = append(tools, raw)
	}
	return tools
}

// parseToolResources reads tool_resources: code_interpreter.file_ids (up to
// 20) and file_search.vector_store_ids (at most 1); vector stores created
// inline get made-up ids.
func parseToolResources(c *checker, o object) toolResources {
	var tr toolResources
	res, ok := o.obj("tool_resources")
	if !ok {
		return tr
	}
	if ci, ok := res.obj("code_interpreter"); ok {
		tr.CodeInterpreter = &fileIDs{FileIDs: stringArray(c, ci, "file_ids", 20)}
	}
	if fs, ok := res.obj("file_search"); ok {
		ids := stringArray(c, fs, "vector_store_ids", 1)
		stores, _ := fs.arr("vector_stores", 0, 1)
		for range stores {
			ids = append(ids, newID("vs_"))
		}
		tr.FileSearch = &vectorStoreIDs{VectorStoreIDs: ids}
	}
	return tr
}

func stringArray(c *checker, o object, name string, maxLen int) []string {
	out := []string{}
	items, _ := o.arr(name, 0, maxLen)
	for i, raw := range items {
		s, ok := c.stringAt(indexed(o.param(name), i), raw)
		if !ok {
			break
		}
		out = append(out, s)
	}
	return out
}

// parseAssistantsFormat reads response_format: "auto" or a format object. It
// returns the value to echo and the format replies follow.
func parseAssistantsFormat(c *checker, o object) (json.RawMessage, responseFormat) {
	auto := json.RawMessage(`"auto"`)
	raw, ok := o.raw("response_format")
	if !ok {
		return auto, responseFormat{kind: "text"}
	}
	if jsonKind(raw) == "string" {
		s, _ := c.stringAt("response_format", raw)
		c.enumAt("response_format", s, []string{"auto"})
		return auto, responseFormat{kind: "text"}
	}
	fo, ok := c.objectAt("response_format", raw)
	if !ok {
		return auto, responseFormat{kind: "text"}
	}
	return raw, parseResponseFormat(c, fo)
}

// copyAll returns copies of the pointed-to values.
func copyAll[T any](ptrs []*T) []T {
	out := make([]T, len(ptrs))
	for i, p := range ptrs {
		out[i] = *p
	}
	return out
}

package openaitest

import (
	"testing"
)

// FuzzEmbeddedText feeds arbitrary bytes to the audio readers, which parse
// uploads: they must never panic, and what they accept must come from a
// fake-made file.
func FuzzEmbeddedText(f *testing.F) {
	samples := synthesize("seed text", "alloy", 4)
	f.Add(encodeWAV(samples, "seed text"))
	f.Add(encodeFLAC(samples, "seed text"))
	f.Add(encodeMP3("seed text", 0.2))
	f.Add(encodeAAC("seed text", 0.2))
	f.Add(encodeOggOpus("seed text", 0.2))
	f.Add([]byte("RIFF\xff\xff\xff\xffWAVEfmt \x10\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _, _ = embeddedText(b)
	})
}

// FuzzJSONRequests feeds arbitrary bodies to the JSON request parsers.
func FuzzJSONRequests(f *testing.F) {
	for _, s := range []string{
		`{"model":"gpt-4.1-nano","messages":[{"role":"user","content":"hi"}],"n":2,"max_tokens":3}`,
		`{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"x"}]}],"response_format":{"type":"json_schema","json_schema":{"name":"n","schema":{"type":"object","properties":{"a":{"$ref":"#/$defs/a"}},"$defs":{"a":{"type":"array","items":{"type":"integer"}}}}}}}`,
		`{"model":"m","messages":[{"role":"tool","content":"x","tool_call_id":"c"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"required"}`,
		`{"input":["a",[1,2]],"model":"text-embedding-3-small","dimensions":3}`,
		`{"model":"gpt-4.1-nano","input":[{"role":"user","content":[{"type":"input_text","text":"hi"},{"type":"input_image","image_url":"https://x/y.png"}]},{"type":"function_call","call_id":"c","name":"f","arguments":"{}"},{"type":"function_call_output","call_id":"c","output":"ok"}],"tools":[{"type":"function","name":"f","parameters":{"type":"object"}}],"tool_choice":"required","text":{"format":{"type":"json_schema","name":"n","schema":{"type":"object"}}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if req, err := parseChatRequest(body); err == nil {
			buildChatCompletion(req, 0)
		}
		c := &checker{}
		o := c.parseBody(body)
		parseEmbeddingInput(c, o)
		parseMessageRequest(c, o)
		parseAssistantTools(c, o)
		parseToolResources(c, o)
		parseTruncation(c, o)
		parseRunToolChoice(c, o)
		parseAssistantsFormat(c, o)
		if raws, ok := o.arr("items", 0, 0); ok {
			parseInputItems(c, "items", raws)
		}
		h := NewHandler()
		if req, err := parseResponseRequest(body, h.modelFor); err == nil {
			h.mu.Lock()
			req.convID, req.previousID, req.promptID = "", "", ""
			if sr, err := h.startResponse(req); err == nil && sr.obj.Status == "queued" {
				h.finishResponse(sr, 0)
			}
			h.mu.Unlock()
		}
	})
}

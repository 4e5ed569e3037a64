package openaitest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// chatChunk is CreateChatCompletionStreamResponse, one server-sent event.
type chatChunk struct {
	ID                string          `json:"id"`
	Object            string          `json:"object"`
	Created           int64           `json:"created"`
	Model             string          `json:"model"`
	ServiceTier       string          `json:"service_tier"`
	SystemFingerprint string          `json:"system_fingerprint"`
	Choices           []chunkChoice   `json:"choices"`
	Usage             json.RawMessage `json:"usage,omitempty"`
}

type chunkChoice struct {
	Index        int           `json:"index"`
	Delta        chunkDelta    `json:"delta"`
	Logprobs     *chatLogprobs `json:"logprobs"`
	FinishReason *string       `json:"finish_reason"`
}

type chunkDelta struct {
	Role      string     `json:"role,omitempty"`
	Content   *string    `json:"content,omitempty"`
	ToolCalls []toolCall `json:"tool_calls,omitempty"`
}

// streamChat sends resp as server-sent events: a role delta, one delta per
// token, a finish delta per choice, the usage chunk if asked, and [DONE].
func streamChat(w http.ResponseWriter, req *chatRequest, resp *chatCompletion) {
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	base := chatChunk{ID: resp.ID, Object: "chat.completion.chunk", Created: resp.Created, Model: resp.Model,
		ServiceTier: resp.ServiceTier, SystemFingerprint: resp.SystemFingerprint}
	if req.includeUsage {
		base.Usage = json.RawMessage("null")
	}
	send := func(ch chatChunk) bool {
		b, err := json.Marshal(ch)
		if err != nil {
			return false
		}
		if _, err := fmt.Fprintf(w, "data: %s\n\n", b); err != nil {
			return false
		}
		_ = rc.Flush()
		return true
	}
	one := func(c chunkChoice) chatChunk {
		ch := base
		ch.Choices = []chunkChoice{c}
		return ch
	}
	for _, choice := range resp.Choices {
		empty := ""
		if !send(one(chunkChoice{Index: choice.Index, Delta: chunkDelta{Role: "assistant", Content: &empty}})) {
			return
		}
		if len(choice.Message.ToolCalls) > 0 {
			tc := choice.Message.ToolCalls[0]
			idx := 0
			tc.Index = &idx
			if !send(one(chunkChoice{Index: choice.Index, Delta: chunkDelta{ToolCalls: []toolCall{tc}}})) {
				return
			}
		} else if choice.Message.Content != nil {
			for _, piece := range splitTokens(*choice.Message.Content) {
				c := chunkChoice{Index: choice.Index, Delta: chunkDelta{Content: &piece}}
				if req.logprobs {
					c.Logprobs = makeLogprobs(piece, req.topLogprobs)
				}
				if !send(one(c)) {
					return
				}
			}
		}
		finish := choice.FinishReason
		if !send(one(chunkChoice{Index: choice.Index, FinishReason: &finish})) {
			return
		}
	}
	if req.includeUsage {
		last := base
		last.Choices = []chunkChoice{}
		last.Usage, _ = json.Marshal(resp.Usage)
		if !send(last) {
			return
		}
	}
	_, _ = io.WriteString(w, "data: [DONE]\n\n")
	_ = rc.Flush()
}

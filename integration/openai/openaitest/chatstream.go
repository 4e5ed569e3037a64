package openaitest

import (
	"context"
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
	Role      string          `json:"role,omitempty"`
	Content   *string         `json:"content,omitempty"`
	ToolCalls []toolCallDelta `json:"tool_calls,omitempty"`
}

// toolCallDelta is ChatCompletionMessageToolCallChunk: the first delta of a
// call carries its id, type and name; the next ones pieces of its
// arguments.
type toolCallDelta struct {
	Index    int                `json:"index"`
	ID       string             `json:"id,omitempty"`
	Type     string             `json:"type,omitempty"`
	Function *toolFunctionDelta `json:"function,omitempty"`
}

type toolFunctionDelta struct {
	Name      string `json:"name,omitempty"`
	Arguments string `json:"arguments"`
}

// streamChat sends resp as server-sent events: a role delta, one delta per
// token, a finish delta per choice, the usage chunk if asked, and [DONE];
// fault, if not nil, holds or cuts the stream.
func streamChat(ctx context.Context, w http.ResponseWriter, req *chatRequest, resp *chatCompletion, fault *StreamFault) {
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	base := chatChunk{ID: resp.ID, Object: "chat.completion.chunk", Created: resp.Created, Model: resp.Model,
		ServiceTier: resp.ServiceTier, SystemFingerprint: resp.SystemFingerprint}
	if req.includeUsage {
		base.Usage = json.RawMessage("null")
	}
	sent := 0
	send := func(ch chatChunk) bool {
		if !fault.before(ctx, sent) {
			return false
		}
		sent++
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
			for i, tc := range choice.Message.ToolCalls {
				if !streamToolCall(send, one, choice.Index, i, tc) {
					return
				}
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
	if !fault.before(ctx, sent) {
		return
	}
	_, _ = io.WriteString(w, "data: [DONE]\n\n")
	_ = rc.Flush()
}

// streamToolCall sends one tool call as the API streams it: its id, type
// and name with empty arguments, then its arguments in pieces.
func streamToolCall(send func(chatChunk) bool, one func(chunkChoice) chatChunk, choice, index int, tc toolCall) bool {
	if tc.Function == nil {
		return true // the fake makes function calls only
	}
	first := toolCallDelta{Index: index, ID: tc.ID, Type: tc.Type, Function: &toolFunctionDelta{Name: tc.Function.Name}}
	if !send(one(chunkChoice{Index: choice, Delta: chunkDelta{ToolCalls: []toolCallDelta{first}}})) {
		return false
	}
	for _, piece := range splitTokens(tc.Function.Arguments) {
		d := toolCallDelta{Index: index, Function: &toolFunctionDelta{Arguments: piece}}
		if !send(one(chunkChoice{Index: choice, Delta: chunkDelta{ToolCalls: []toolCallDelta{d}}})) {
			return false
		}
	}
	return true
}

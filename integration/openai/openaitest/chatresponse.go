package openaitest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
)

// chatCompletion is CreateChatCompletionResponse; the types below are its
// parts.
type chatCompletion struct {
	ID                string       `json:"id"`
	Object            string       `json:"object"`
	Created           int64        `json:"created"`
	Model             string       `json:"model"`
	Choices           []chatChoice `json:"choices"`
	Usage             chatUsage    `json:"usage"`
	ServiceTier       string       `json:"service_tier"`
	SystemFingerprint string       `json:"system_fingerprint"`
}

type chatChoice struct {
	Index        int           `json:"index"`
	Message      chatMessage   `json:"message"`
	Logprobs     *chatLogprobs `json:"logprobs"`
	FinishReason string        `json:"finish_reason"`
}

type chatMessage struct {
	Role        string            `json:"role"`
	Content     *string           `json:"content"`
	Refusal     *string           `json:"refusal"`
	ToolCalls   []toolCall        `json:"tool_calls,omitempty"`
	Annotations []json.RawMessage `json:"annotations"`
}

type toolCall struct {
	ID       string        `json:"id"`
	Type     string        `json:"type"`
	Function *toolFunction `json:"function,omitempty"`
	Custom   *toolCustom   `json:"custom,omitempty"`
}

type toolFunction struct {
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

type toolCustom struct {
	Name  string `json:"name"`
	Input string `json:"input"`
}

type chatLogprobs struct {
	Content []tokenLogprob `json:"content"`
	Refusal []tokenLogprob `json:"refusal"` // always null
}

type tokenLogprob struct {
	Token       string       `json:"token"`
	Logprob     float64      `json:"logprob"`
	Bytes       []int        `json:"bytes"`
	TopLogprobs []topLogprob `json:"top_logprobs"`
}

type topLogprob struct {
	Token   string  `json:"token"`
	Logprob float64 `json:"logprob"`
	Bytes   []int   `json:"bytes"`
}

type chatUsage struct {
	PromptTokens            int                     `json:"prompt_tokens"`
	CompletionTokens        int                     `json:"completion_tokens"`
	TotalTokens             int                     `json:"total_tokens"`
	PromptTokensDetails     promptTokensDetails     `json:"prompt_tokens_details"`
	CompletionTokensDetails completionTokensDetails `json:"completion_tokens_details"`
}

type promptTokensDetails struct {
	CachedTokens int `json:"cached_tokens"`
	AudioTokens  int `json:"audio_tokens"`
}

type completionTokensDetails struct {
	ReasoningTokens          int `json:"reasoning_tokens"`
	AudioTokens              int `json:"audio_tokens"`
	AcceptedPredictionTokens int `json:"accepted_prediction_tokens"`
	RejectedPredictionTokens int `json:"rejected_prediction_tokens"`
}

// maxOutputTokens caps every reply, as models cap their output (16384 is
// gpt-4o's limit); it also bounds the answer to a huge prompt times n.
const maxOutputTokens = 16384

// fingerprint is a stable system_fingerprint per model.
func fingerprint(model string) string {
	sum := sha256.Sum256([]byte(model))
	return "fp_" + hex.EncodeToString(sum[:5])
}

// buildChatCompletion computes the whole (non-streamed) answer.
func buildChatCompletion(req *chatRequest, now int64) *chatCompletion {
	resp := &chatCompletion{
		ID:                "chatcmpl-" + randomString(29),
		Object:            "chat.completion",
		Created:           now,
		Model:             req.model,
		ServiceTier:       "default",
		SystemFingerprint: fingerprint(req.model),
	}
	if req.serviceTier == "flex" || req.serviceTier == "priority" || req.serviceTier == "scale" {
		resp.ServiceTier = req.serviceTier
	} else if req.serviceTier == "fast" {
		resp.ServiceTier = "priority"
	}
	for _, t := range req.texts {
		resp.Usage.PromptTokens += CountTokens(t)
	}
	reply := fakeReply(req.prompt)
	for i := 0; i < req.n; i++ {
		ch := chatChoice{
			Index:   i,
			Message: chatMessage{Role: "assistant", Annotations: []json.RawMessage{}},
		}
		if req.forced != nil {
			ch.Message.ToolCalls = []toolCall{makeToolCall(req.forced, reply)}
			ch.FinishReason = "tool_calls"
			tc := ch.Message.ToolCalls[0]
			if tc.Function != nil {
				resp.Usage.CompletionTokens += CountTokens(tc.Function.Name) + CountTokens(tc.Function.Arguments)
			} else {
				resp.Usage.CompletionTokens += CountTokens(tc.Custom.Name) + CountTokens(tc.Custom.Input)
			}
		} else {
			content, finish := req.format.render(reply, req.model), "stop"
			for _, s := range req.stop {
				if k := strings.Index(content, s); k >= 0 {
					content = content[:k]
				}
			}
			limit := maxOutputTokens
			if req.maxTokens > 0 {
				limit = min(req.maxTokens, maxOutputTokens)
			}
			if cut, was := truncateTokens(content, limit); was {
				content, finish = cut, "length"
			}
			ch.Message.Content = &content
			ch.FinishReason = finish
			resp.Usage.CompletionTokens += CountTokens(content)
			if req.logprobs {
				ch.Logprobs = makeLogprobs(content, req.topLogprobs)
			}
		}
		resp.Choices = append(resp.Choices, ch)
	}
	resp.Usage.TotalTokens = resp.Usage.PromptTokens + resp.Usage.CompletionTokens
	return resp
}

// makeLogprobs gives every token of content probability 1 (logprob 0).
func makeLogprobs(content string, top int) *chatLogprobs {
	lp := &chatLogprobs{Content: []tokenLogprob{}}
	for _, piece := range splitTokens(content) {
		b := make([]int, len(piece))
		for i := range len(piece) {
			b[i] = int(piece[i])
		}
		t := tokenLogprob{Token: piece, Bytes: b, TopLogprobs: []topLogprob{}}
		if top > 0 {
			t.TopLogprobs = append(t.TopLogprobs, topLogprob{Token: piece, Bytes: b})
		}
		lp.Content = append(lp.Content, t)
	}
	return lp
}

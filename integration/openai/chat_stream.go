package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"

	in "github.com/kosmo-run/kosmo/integration"
)

// onChunk is the parameter in which a script passes the function that
// receives each chunk of a streamed chat completion.
const onChunk = "on_chunk"

// streamDone is the data of the event that ends an OpenAI stream.
var streamDone = []byte("[DONE]")

// runChatStream sends a chat completion with stream = true: each chunk
// goes to the caller (x.Deliver) as it arrives, and the call returns the
// chunks assembled into the non-streamed chat.completion shape.
func runChatStream(ctx context.Context, x *in.Exchange, body in.Args) (*in.Result, error) {
	req, err := x.Function().Build(body)
	if err != nil {
		return nil, err
	}
	req.Header = req.Header.Clone()
	if req.Header == nil {
		req.Header = map[string][]string{}
	}
	req.Header.Set("Accept", "text/event-stream")
	var (
		asm      chatAssembly
		done     bool
		received int
		guard    = chunkGuard{x: x}
	)
	req.Stream = func(r io.Reader) ([]byte, error) {
		err := in.ReadEvents(r, func(data []byte) error {
			if bytes.Equal(bytes.TrimSpace(data), streamDone) {
				done = true
				return errStreamDone
			}
			if e := streamError(x, data); e != nil {
				return e
			}
			if err := asm.add(data); err != nil {
				return x.StreamCut(http.StatusOK, "a chunk of the stream is not the JSON expected: "+err.Error())
			}
			received++
			out, err := guard.chunk(data)
			if err != nil {
				return x.StreamCut(http.StatusOK, "a chunk of the stream is not the JSON expected: "+err.Error())
			}
			if err := x.Deliver(out); err != nil {
				return delivered{err}
			}
			return nil
		})
		var (
			ae       *in.APIError
			de       delivered
			tooLarge *in.ResponseTooLargeError
		)
		switch {
		case errors.Is(err, errStreamDone):
			// Nothing follows [DONE]: the host reads no further (see
			// Request.Stream).
		case errors.As(err, &de):
			return nil, de.err // the caller's own error (the script's callback)
		case err != nil && (errors.As(err, &ae) || ctx.Err() != nil):
			return nil, err
		case errors.As(err, &tooLarge):
			e := x.StreamCut(http.StatusOK, fmt.Sprintf("the stream was stopped after %d chunks: %v", received, err))
			e.Retryable = false // the same request would get the same answer
			return nil, e
		case err != nil:
			return nil, x.StreamCut(http.StatusOK, fmt.Sprintf("the stream was cut off after %d chunks, before data: [DONE]: %v", received, err))
		case !done:
			return nil, x.StreamCut(http.StatusOK, fmt.Sprintf("the stream was cut off after %d chunks, before data: [DONE]", received))
		}
		if last := guard.flush(&asm); last != nil {
			if err := x.Deliver(last); err != nil {
				return nil, err
			}
		}
		out, err := asm.result()
		if err != nil {
			e := x.StreamCut(http.StatusOK, "the chunks of the stream do not make a chat completion: "+err.Error())
			e.Retryable = false
			return nil, e
		}
		return out, nil
	}
	resp, err := x.Send(ctx, req)
	if err != nil {
		return nil, err
	}
	// The body is the chunks assembled (Request.Stream), scrubbed by Send.
	return &in.Result{JSON: resp.Body}, nil
}

// errStreamDone stops reading a stream at data: [DONE].
var errStreamDone = errors.New("the end of the stream")

// delivered is an error of the caller's ChunkFunc, told apart from the
// stream's own.
type delivered struct{ err error }

func (d delivered) Error() string { return d.err.Error() }

// streamError is the *APIError of an error event in the stream
// ({"error": {…}}), or nil.
func streamError(x *in.Exchange, data []byte) *in.APIError {
	var probe struct {
		Error *struct {
			Message string `json:"message"`
			Type    string `json:"type"`
			Code    any    `json:"code"`
			Param   any    `json:"param"`
		} `json:"error"`
	}
	if json.Unmarshal(data, &probe) != nil || probe.Error == nil {
		return nil
	}
	code, _ := probe.Error.Code.(string)
	param, _ := probe.Error.Param.(string)
	return x.StreamError(http.StatusOK, probe.Error.Type, code, param, probe.Error.Message)
}

// chatAssembly gathers the chunks of a streamed chat completion
// (CreateChatCompletionStreamResponse) into one chat.completion.
type chatAssembly struct {
	id, model, serviceTier, fingerprint string
	created                             float64
	usage                               json.RawMessage
	choices                             map[int]*choiceAssembly
}

type choiceAssembly struct {
	role                  string
	content, refusal      []byte
	hasContent, hasRefusl bool
	finish                any
	logprobs              []any
	toolCalls             map[int]*toolCallAssembly
}

type toolCallAssembly struct {
	id, typ, name string
	arguments     []byte
}

// streamChunk is the part of a chunk the assembly reads.
type streamChunk struct {
	ID                string          `json:"id"`
	Created           float64         `json:"created"`
	Model             string          `json:"model"`
	ServiceTier       string          `json:"service_tier"`
	SystemFingerprint string          `json:"system_fingerprint"`
	Usage             json.RawMessage `json:"usage"`
	Choices           []struct {
		Index int `json:"index"`
		Delta struct {
			Role      string  `json:"role"`
			Content   *string `json:"content"`
			Refusal   *string `json:"refusal"`
			ToolCalls []struct {
				Index    int    `json:"index"`
				ID       string `json:"id"`
				Type     string `json:"type"`
				Function *struct {
					Name      string `json:"name"`
					Arguments string `json:"arguments"`
				} `json:"function"`
			} `json:"tool_calls"`
		} `json:"delta"`
		Logprobs *struct {
			Content []any `json:"content"`
		} `json:"logprobs"`
		FinishReason any `json:"finish_reason"`
	} `json:"choices"`
}

// add reads one chunk into the assembly.
func (a *chatAssembly) add(data []byte) error {
	var ch streamChunk
	if err := json.Unmarshal(data, &ch); err != nil {
		return err
	}
	if a.choices == nil {
		a.choices = map[int]*choiceAssembly{}
	}
	if a.id == "" {
		a.id, a.created, a.model = ch.ID, ch.Created, ch.Model
	}
	if ch.ServiceTier != "" {
		a.serviceTier = ch.ServiceTier
	}
	if ch.SystemFingerprint != "" {
		a.fingerprint = ch.SystemFingerprint
	}
	if len(ch.Usage) > 0 && string(ch.Usage) != "null" {
		a.usage = ch.Usage
	}
	for _, c := range ch.Choices {
		ca := a.choices[c.Index]
		if ca == nil {
			ca = &choiceAssembly{role: "assistant", toolCalls: map[int]*toolCallAssembly{}}
			a.choices[c.Index] = ca
		}
		d := c.Delta
		if d.Role != "" {
			ca.role = d.Role
		}
		if d.Content != nil {
			ca.content, ca.hasContent = append(ca.content, *d.Content...), true
		}
		if d.Refusal != nil {
			ca.refusal, ca.hasRefusl = append(ca.refusal, *d.Refusal...), true
		}
		for _, tc := range d.ToolCalls {
			t := ca.toolCalls[tc.Index]
			if t == nil {
				t = &toolCallAssembly{typ: "function"}
				ca.toolCalls[tc.Index] = t
			}
			if tc.ID != "" {
				t.id = tc.ID
			}
			if tc.Type != "" {
				t.typ = tc.Type
			}
			if tc.Function != nil {
				t.name += tc.Function.Name
				t.arguments = append(t.arguments, tc.Function.Arguments...)
			}
		}
		if c.Logprobs != nil {
			ca.logprobs = append(ca.logprobs, c.Logprobs.Content...)
		}
		if c.FinishReason != nil {
			ca.finish = c.FinishReason
		}
	}
	return nil
}

// result is the assembled chat.completion, as the API answers a request
// without stream: content null when only tool calls came, tool calls in
// the order of their index, usage when the stream carried it.
func (a *chatAssembly) result() ([]byte, error) {
	choices := make([]any, 0, len(a.choices))
	for _, i := range slices.Sorted(maps.Keys(a.choices)) {
		ca := a.choices[i]
		msg := map[string]any{"role": ca.role, "content": nil, "refusal": nil, "annotations": []any{}}
		if ca.hasContent && (len(ca.content) > 0 || len(ca.toolCalls) == 0) {
			msg["content"] = string(ca.content)
		}
		if ca.hasRefusl {
			msg["refusal"] = string(ca.refusal)
		}
		if len(ca.toolCalls) > 0 {
			calls := make([]any, 0, len(ca.toolCalls))
			for _, j := range slices.Sorted(maps.Keys(ca.toolCalls)) {
				t := ca.toolCalls[j]
				calls = append(calls, map[string]any{"id": t.id, "type": t.typ,
					"function": map[string]any{"name": t.name, "arguments": string(t.arguments)}})
			}
			msg["tool_calls"] = calls
		}
		choice := map[string]any{"index": i, "message": msg, "finish_reason": ca.finish, "logprobs": nil}
		if ca.logprobs != nil {
			choice["logprobs"] = map[string]any{"content": ca.logprobs, "refusal": nil}
		}
		choices = append(choices, choice)
	}
	out := map[string]any{"id": a.id, "object": "chat.completion", "created": a.created, "model": a.model, "choices": choices}
	if a.serviceTier != "" {
		out["service_tier"] = a.serviceTier
	}
	if a.fingerprint != "" {
		out["system_fingerprint"] = a.fingerprint
	}
	if a.usage != nil {
		out["usage"] = a.usage
	}
	return json.Marshal(out)
}

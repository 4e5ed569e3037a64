package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/kosmo-run/kosmo"
	"github.com/kosmo-run/kosmo/integration"
)

// streamArgs readies `kosmo call --stream`: the function must stream,
// and the arguments get stream = true.
func (a *app) streamArgs(host *kosmo.Host, function string, args map[string]any) (*deltaPrinter, error) {
	_, fn, err := host.Function(function)
	if err != nil {
		return nil, err
	}
	if fn.OnChunk == "" {
		return nil, usagef("--stream: %s does not stream (openai_chat_completion does)", fn.Name)
	}
	args["stream"] = true
	return &deltaPrinter{w: a.env.Stderr}, nil
}

// deltaPrinter writes the text of each chunk of a streamed chat
// completion as it arrives.
type deltaPrinter struct {
	w       io.Writer
	printed bool
}

// chunk is the ChunkFunc of the call; nil for a call that does not stream.
func (p *deltaPrinter) chunk() integration.ChunkFunc {
	if p == nil {
		return nil
	}
	return func(data []byte) error {
		var c struct {
			Choices []struct {
				Delta struct {
					Content string `json:"content"`
				} `json:"delta"`
			} `json:"choices"`
		}
		if json.Unmarshal(data, &c) != nil || len(c.Choices) == 0 || c.Choices[0].Delta.Content == "" {
			return nil
		}
		p.printed = true
		_, err := io.WriteString(p.w, c.Choices[0].Delta.Content)
		return err
	}
}

// end ends the printed text with a newline.
func (p *deltaPrinter) end() {
	if p != nil && p.printed {
		fmt.Fprintln(p.w)
	}
}

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
)

func TestCallStream(t *testing.T) {
	chat := []string{"openai.chat_completion", "-f", "model=gpt-5.1", "-f", "messages[1].role=user", "-f", "messages[1].content=Hello there"}
	r := runCLI(t, context.Background(), nil, append([]string{"call", "--fake", "--stream"}, chat...)...)
	require.Equal(t, ExitOK, r.code, r.stderr)
	var res struct {
		Object  string
		Choices []struct{ Message struct{ Content string } }
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &res), "standard output is the one JSON result")
	assert.Equal(t, "chat.completion", res.Object)
	require.Len(t, res.Choices, 1)
	assert.Contains(t, res.Choices[0].Message.Content, "Hello there")
	assert.Equal(t, res.Choices[0].Message.Content+"\n", r.stderr, "the deltas, as they came, on standard error")

	r = runCLI(t, context.Background(), nil, "call", "--fake", "--stream", "openai.openai_list_models")
	assert.Equal(t, ExitUsage, r.code)
	assert.Contains(t, r.stderr, "--stream: openai_list_models does not stream")
}

// TestCallStreamTimeout: --timeout stops a stream the server holds
// mid-way, after its first chunks were printed.
func TestCallStreamTimeout(t *testing.T) {
	fake := openaitestServer(t)
	never := make(chan struct{})
	fake.Handler().InjectStreamFault(openaitest.StreamFault{After: 3, Hold: never})
	vars := map[string]string{"OPENAI_API_KEY": openaitest.DefaultAPIKey, "OPENAI_BASE_URL": fake.BaseURL()}
	start := time.Now()
	r := runCLI(t, context.Background(), vars, "call", "--stream", "--timeout", "300ms", "openai.chat_completion",
		"-f", "model=gpt-5.1", "-f", "messages[1].role=user", "-f", "messages[1].content=Hello there")
	assert.Equal(t, ExitTimeout, r.code, r.stderr)
	assert.Contains(t, r.stderr, "kosmo: openai_chat_completion: time limit (--timeout 300ms) reached")
	assert.Regexp(t, `^This is\n`, r.stderr, "the first chunks were printed before the limit, and a line ended")
	assert.Less(t, time.Since(start), 10*time.Second)
	assert.Len(t, fake.Requests(), 1)
}

// TestCallStreamKeepsTheKeyOut: kosmo call --stream prints no key a
// server echoes into its stream, JSON-escaped, split across chunks or in
// an error event's fields, neither in the deltas nor in the result or the
// error (--json or not).
func TestCallStreamKeepsTheKeyOut(t *testing.T) {
	const key = "sk-cli-stream-0123456789abcdef"
	text := openaitest.KeyEchoStream(key, " and ")
	tests := []struct {
		name   string
		events []string
		code   int
	}{
		{"the key in the text", append(text, "data: [DONE]\n\n"), ExitOK},
		{"the key in an error event", append(text, openaitest.KeyEchoError(key)), ExitAPI},
	}
	for _, tt := range tests {
		for _, asJSON := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, json %v", tt.name, asJSON), func(t *testing.T) {
				srv := openaitest.EventServer(tt.events...)
				defer srv.Close()
				args := []string{"call", "--stream", "openai.chat_completion", "-f", "model=gpt-5.1", "-f", "messages[1].role=user", "-f", "messages[1].content=Hi"}
				if asJSON {
					args = append(args, "--json")
				}
				r := runCLI(t, context.Background(), map[string]string{"OPENAI_API_KEY": key, "OPENAI_BASE_URL": srv.URL}, args...)
				assert.Equal(t, tt.code, r.code, r.stderr)
				assert.NotContains(t, r.stdout+r.stderr, key)
				assert.NotContains(t, r.stdout+r.stderr, `\u0073\u006b`)
				assert.Contains(t, r.stderr, "and "+integration.NewSecret(key).Redacted(), "the deltas are printed, the key redacted")
			})
		}
	}
}

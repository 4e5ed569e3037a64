package integration_test

import (
	"encoding/json"
	"testing"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/integration/openai"
)

// TestInputSchemaDeclaresSpecParameters checks that what an MCP client sees
// as a function's input schema agrees with the function's own validation:
// the spec's parameters beyond the documented ones are declared (a client
// that checks arguments against the schema would refuse them otherwise),
// and a JSON Schema validator agrees with Validate on both sides.
func TestInputSchemaDeclaresSpecParameters(t *testing.T) {
	oa := openai.New()
	tool := map[string]any{"type": "function", "function": map[string]any{"name": "get_weather",
		"parameters": map[string]any{"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}}}}}
	msgs := []any{map[string]any{"role": "user", "content": "hi"}}
	cases := []struct {
		name, function string
		args           map[string]any
		valid          bool
	}{
		{"documented parameters", "openai_chat_completion", map[string]any{"model": "gpt-5.1", "messages": msgs, "max_tokens": 10}, true},
		{"spec parameters", "openai_chat_completion", map[string]any{"model": "gpt-5.1", "messages": msgs,
			"max_completion_tokens": 100, "reasoning_effort": "low", "tools": []any{tool}, "tool_choice": "auto",
			"seed": 7, "metadata": map[string]any{"k": "v"}, "stream_options": map[string]any{"include_usage": true}}, true},
		{"a nullable spec parameter set to null", "openai_chat_completion", map[string]any{"model": "gpt-5.1", "messages": msgs, "seed": nil}, true},
		{"a spec parameter of the wrong type", "openai_chat_completion", map[string]any{"model": "gpt-5.1", "messages": msgs, "max_completion_tokens": "many"}, false},
		{"a value outside a spec enum", "openai_chat_completion", map[string]any{"model": "gpt-5.1", "messages": msgs, "reasoning_effort": "extreme"}, false},
		{"a tool without its function", "openai_chat_completion", map[string]any{"model": "gpt-5.1", "messages": msgs, "tools": []any{map[string]any{"type": "function"}}}, false},
		{"an unknown parameter", "openai_chat_completion", map[string]any{"model": "gpt-5.1", "messages": msgs, "max_complete_tokens": 1}, false},
		{"image spec parameters", "openai_create_image", map[string]any{"prompt": "a cat", "model": "gpt-image-2", "output_format": "webp", "background": "transparent"}, true},
		{"an image spec enum", "openai_create_image", map[string]any{"prompt": "a cat", "output_format": "gif"}, false},
		{"speech spec parameters", "openai_text_to_speech", map[string]any{"model": "gpt-4o-mini-tts", "input": "hi", "voice": "alloy", "instructions": "calm"}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fn := oa.Function(c.function)
			require.NotNil(t, fn)
			data, err := json.Marshal(fn.InputSchema())
			require.NoError(t, err)
			var schema jsonschema.Schema
			require.NoError(t, json.Unmarshal(data, &schema))
			resolved, err := schema.Resolve(nil)
			require.NoError(t, err, "every $ref resolves within the schema")
			// the arguments as an MCP client sends them: JSON
			raw, err := json.Marshal(c.args)
			require.NoError(t, err)
			var instance any
			require.NoError(t, json.Unmarshal(raw, &instance))
			schemaErr := resolved.Validate(instance)
			_, validateErr := fn.Validate(instance.(map[string]any))
			if c.valid {
				assert.NoError(t, schemaErr, "the input schema accepts it")
				assert.NoError(t, validateErr, "Validate accepts it")
			} else {
				assert.Error(t, schemaErr, "the input schema refuses it")
				assert.Error(t, validateErr, "Validate refuses it")
			}
		})
	}
}

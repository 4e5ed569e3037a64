package integration_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai"
)

func TestValidate(t *testing.T) {
	oa := openai.New()
	msgs := []any{map[string]any{"role": "user", "content": "hi"}}
	tests := []struct {
		name, fn string
		args     map[string]any
		wantErr  string
	}{
		{"valid chat", "openai_chat_completion", map[string]any{"model": "gpt-4o", "messages": msgs, "max_tokens": 3.0}, ""},
		{"missing", "openai_chat_completion", map[string]any{"model": "gpt-4o"}, "openai_chat_completion: parameter 'messages': required array is missing"},
		{"null is absent", "openai_chat_completion", map[string]any{"model": nil, "messages": msgs}, "parameter 'model': required string is missing"},
		{"wrong type", "openai_chat_completion", map[string]any{"model": "m", "messages": msgs, "max_tokens": "ten"}, "parameter 'max_tokens': integer expected, got string"},
		{"fraction", "openai_chat_completion", map[string]any{"model": "m", "messages": msgs, "max_tokens": 3.5}, "parameter 'max_tokens': integer expected, got 3.5"},
		{"nested path", "openai_chat_completion", map[string]any{"model": "m", "messages": []any{msgs[0], map[string]any{"role": 1.0, "content": "x"}}}, "parameter 'messages[2].role': string expected, got number"},
		{"unknown key", "openai_chat_completion", map[string]any{"model": "m", "messages": msgs, "max_token": 1.0}, "parameter 'max_token': unknown parameter; did you mean 'max_tokens'?"},
		{"empty messages", "openai_chat_completion", map[string]any{"model": "m", "messages": []any{}}, "parameter 'messages': array of at least 1 element(s) expected, got 0"},
		{"bounds", "openai_chat_completion", map[string]any{"model": "m", "messages": msgs, "temperature": 3.0}, "parameter 'temperature': number between 0 and 2 expected, got 3"},
		{"enum", "openai_text_to_speech", map[string]any{"model": "tts-1", "input": "x", "voice": "robot"}, `parameter 'voice': expected one of "alloy"`},
		{"enum suggestion", "openai_text_to_speech", map[string]any{"model": "tts-1", "input": "x", "voice": "alloi"}, `did you mean "alloy"?`},
		{"max length", "openai_create_assistant", map[string]any{"model": "m", "name": string(make([]byte, 257))}, "at most 256 characters"},
		{"string or array", "openai_create_embedding", map[string]any{"model": "m", "input": []any{"a", "b"}}, ""},
		{"array element", "openai_create_embedding", map[string]any{"model": "m", "input": []any{"a", 1.0}}, "parameter 'input[2]': string expected, got number"},
		{"neither", "openai_create_embedding", map[string]any{"model": "m", "input": 1.0}, "parameter 'input': string or array of strings expected, got number"},
		{"bad base64", "openai_upload_file", map[string]any{"file_content": "@@", "filename": "a", "purpose": "batch"}, "parameter 'file_content': base64 expected"},
		{"no params", "openai_list_models", map[string]any{"x": 1.0}, "parameter 'x': unknown parameter (this function takes no parameters)"},
		{"cross-field", "openai_create_image", map[string]any{"prompt": "p", "stream": true}, "parameter 'stream': a streamed answer cannot be returned"},
		{"spec of today", "openai_create_image", map[string]any{"prompt": "p", "output_format": "gif"}, "parameter 'output_format': expected one of"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fn := oa.Function(tt.fn)
			require.NotNil(t, fn)
			_, err := fn.Validate(tt.args)
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			var ve *integration.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

func TestValidateDecodesBase64AndKeepsInput(t *testing.T) {
	fn := openai.New().Function("openai_upload_file")
	in := map[string]any{"file_content": "aGVs\nbG8=", "filename": "a.txt", "purpose": "batch"}
	out, err := fn.Validate(in)
	require.NoError(t, err)
	assert.Equal(t, []byte("hello"), out["file_content"])
	assert.Equal(t, "aGVs\nbG8=", in["file_content"], "input not modified")
}

func TestSpecsMatchTheSeed(t *testing.T) {
	oa := openai.New()
	want := map[string]integration.Operation{
		"openai_chat_completion": integration.Write, "openai_create_embedding": integration.Write,
		"openai_create_image": integration.Write, "openai_transcribe_audio": integration.Write,
		"openai_text_to_speech": integration.Write, "openai_create_assistant": integration.Write,
		"openai_list_assistants": integration.Read, "openai_create_thread": integration.Write,
		"openai_add_message_to_thread": integration.Write, "openai_list_thread_messages": integration.Read,
		"openai_create_run": integration.Write, "openai_get_run": integration.Read,
		"openai_upload_file": integration.Write, "openai_list_files": integration.Read,
		"openai_list_models": integration.Read,
	}
	require.Len(t, oa.Functions, 15)
	for _, fn := range oa.Functions {
		op, ok := want[fn.Name]
		require.True(t, ok, fn.Name)
		assert.Equal(t, op, fn.Operation, fn.Name)
		assert.NotEmpty(t, fn.Summary, fn.Name)
		assert.NotNil(t, fn.Build, fn.Name)
		for _, p := range fn.Params {
			assert.NotEmpty(t, p.Description, fn.Name+"."+p.Name)
		}
	}
}

func TestSuggest(t *testing.T) {
	names := []string{"max_tokens", "messages", "model"}
	assert.Equal(t, "max_tokens", integration.Suggest("max_token", names))
	assert.Equal(t, "model", integration.Suggest("modle", names))
	assert.Equal(t, "", integration.Suggest("completely_different", names))
}

func TestSecretNeverPrints(t *testing.T) {
	s := integration.NewSecret("sk-proj-abcdefghijklmnop1234")
	acct := integration.Account{Name: "a", Key: s}
	for _, text := range []string{s.String(), s.GoString(), s.Redacted()} {
		assert.NotContains(t, text, "abcdefghijklmnop")
	}
	assert.Equal(t, "sk-…1234", s.Redacted())
	assert.NotContains(t, sprint(acct), "abcdefghijklmnop")
	assert.Equal(t, "…", integration.NewSecret("short").Redacted())
}

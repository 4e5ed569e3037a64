package integration_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/integration/openai"
)

func TestInputSchema(t *testing.T) {
	oa := openai.New()
	s := oa.Function("openai_text_to_speech").InputSchema()
	data, err := json.Marshal(s)
	require.NoError(t, err)
	var got struct {
		Type                 string
		Required             []string
		AdditionalProperties bool
		Properties           map[string]struct {
			Type             string
			Enum             []string
			Minimum, Maximum *float64
			MaxLength        int
			Description      string
			AnyOf            []struct {
				Type string
				Enum []string
			}
		}
	}
	require.NoError(t, json.Unmarshal(data, &got))
	assert.Equal(t, "object", got.Type)
	assert.Equal(t, []string{"model", "input", "voice"}, got.Required)
	assert.False(t, got.AdditionalProperties)
	assert.Equal(t, 4096, got.Properties["input"].MaxLength)
	voice := got.Properties["voice"].AnyOf // a built-in voice or a custom voice object
	require.Len(t, voice, 2)
	assert.Contains(t, voice[0].Enum, "shimmer")
	assert.Equal(t, "object", voice[1].Type)
	assert.Equal(t, 0.25, *got.Properties["speed"].Minimum)
	assert.Equal(t, 4.0, *got.Properties["speed"].Maximum)
	assert.Equal(t, `TTS model ID (e.g., "tts-1", "tts-1-hd").`, got.Properties["model"].Description, "markdown removed")

	emb := oa.Function("openai_create_embedding").InputSchema()["properties"].(map[string]any)["input"].(map[string]any)
	assert.Len(t, emb["anyOf"], 2, "string or array of strings")

	chat := oa.Function("openai_chat_completion").InputSchema()["properties"].(map[string]any)["messages"].(map[string]any)
	items := chat["items"].(map[string]any)
	assert.Equal(t, []string{"role"}, items["required"], "content by role, as the spec has it")

	upload := oa.Function("openai_upload_file").InputSchema()["properties"].(map[string]any)["file_content"].(map[string]any)
	assert.Equal(t, "base64", upload["contentEncoding"])

	for _, fn := range oa.Functions {
		_, err := json.Marshal(fn.InputSchema())
		require.NoError(t, err, fn.Name)
	}
}

package docs_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/docs"
	"github.com/kosmo-run/kosmo/integration/openai"
)

func TestList(t *testing.T) {
	lib := docs.New(openai.New())
	list := lib.List()
	require.Len(t, list, 16)
	assert.Equal(t, "integrations.openai", list[0].Page)
	assert.Equal(t, docs.PageInfo{Page: "integrations.openai.openai_create_image", Summary: "Generate an image using DALL·E.", Operation: "write"}, list[3])
	pages := lib.Pages()
	for i, p := range list {
		assert.Equal(t, pages[i], p.Page)
	}
}

func TestSearch(t *testing.T) {
	lib := docs.New(openai.New())
	tests := []struct {
		query, first string
		also         []string
	}{
		{"transcribe", "integrations.openai.openai_transcribe_audio", nil},
		{"transcription", "integrations.openai.openai_transcribe_audio", nil},
		{"speech", "integrations.openai.openai_text_to_speech", nil},
		{"audio", "integrations.openai.openai_transcribe_audio", []string{"integrations.openai.openai_text_to_speech"}},
		{"thread messages", "integrations.openai.openai_list_thread_messages", []string{"integrations.openai.openai_add_message_to_thread"}},
		{"voice", "integrations.openai.openai_text_to_speech", nil},
		{"run status", "integrations.openai.openai_get_run", nil},
		{"EMBEDDING", "integrations.openai.openai_create_embedding", nil},
		{"purpose", "integrations.openai.openai_list_files", []string{"integrations.openai.openai_upload_file"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			got := lib.Search(tt.query)
			require.NotEmpty(t, got)
			assert.Equal(t, tt.first, got[0].Page)
			var pages []string
			for i, m := range got {
				pages = append(pages, m.Page)
				if i > 0 {
					assert.LessOrEqual(t, m.Score, got[i-1].Score, "ranked")
				}
			}
			for _, p := range tt.also {
				assert.Contains(t, pages, p)
			}
		})
	}
	assert.Empty(t, lib.Search("zebra"))
	assert.Empty(t, lib.Search("  "))
}

// TestSearchFindsTheProvidersOtherParameters: a parameter the spec has and
// the seed does not, such as max_completion_tokens or stream, finds chat.
func TestSearchFindsTheProvidersOtherParameters(t *testing.T) {
	lib := docs.New(openai.New())
	for _, q := range []string{"max_completion_tokens", "stream", "reasoning_effort"} {
		m := lib.Search(q)
		require.NotEmpty(t, m, q)
		assert.Equal(t, "integrations.openai.openai_chat_completion", m[0].Page, q)
	}
}

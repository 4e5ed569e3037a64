package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDocTakesTheNamesCallTakes(t *testing.T) {
	want := runCLI(t, context.Background(), nil, "doc", "integrations.openai.openai_create_image")
	require.Equal(t, 0, want.code, want.stderr)
	require.True(t, strings.HasPrefix(want.stdout, "## openai_create_image\n"))
	whole := runCLI(t, context.Background(), nil, "doc", "integrations.openai")
	require.Equal(t, 0, whole.code, whole.stderr)
	tests := []struct {
		name string
		want string
	}{
		{"openai_create_image", want.stdout},
		{"openai.openai_create_image", want.stdout},
		{"openai.create_image", want.stdout},
		{"create_image", want.stdout},
		{"integrations.openai.create_image", want.stdout},
		{"openai", whole.stdout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, context.Background(), nil, "doc", tt.name)
			require.Equal(t, 0, r.code, r.stderr)
			assert.Equal(t, tt.want, r.stdout)
		})
	}
	r := runCLI(t, context.Background(), nil, "doc", "--json", "create_image")
	require.Equal(t, 0, r.code, r.stderr)
	var page struct{ Page, Markdown string }
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &page))
	assert.Equal(t, "integrations.openai.openai_create_image", page.Page, "the page's own name")
}

func TestDocSuggestsTheClosestPage(t *testing.T) {
	tests := []struct {
		name   string
		stderr string
	}{
		{"openai_create_imag", `kosmo: no doc page "openai_create_imag"; did you mean "integrations.openai.openai_create_image"? (kosmo doc --list lists the pages)` + "\n"},
		{"openai.transcribe", `kosmo: no doc page "openai.transcribe"; did you mean "integrations.openai.openai_transcribe_audio"? (kosmo doc --list lists the pages)` + "\n"},
		{"integrations.openai.chat_completions", `kosmo: no doc page "integrations.openai.chat_completions"; did you mean "integrations.openai.openai_chat_completion"? (kosmo doc --list lists the pages)` + "\n"},
		{"image", `kosmo: no doc page "image"; did you mean "integrations.openai.openai_create_image"? (kosmo doc --list lists the pages)` + "\n"},
		{"speech", `kosmo: no doc page "speech"; did you mean "integrations.openai.openai_text_to_speech"? (kosmo doc --list lists the pages)` + "\n"},
		{"integrations.nope", `kosmo: no doc page "integrations.nope"; did you mean "integrations.openai"? (kosmo doc --list lists the pages)` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, context.Background(), nil, "doc", tt.name)
			assert.Equal(t, ExitUsage, r.code)
			assert.Equal(t, tt.stderr, r.stderr)
		})
	}
	r := runCLI(t, context.Background(), nil, "doc", "zebra")
	assert.Equal(t, ExitUsage, r.code)
	assert.Contains(t, r.stderr, `no doc page "zebra"; the pages: integrations.openai, integrations.openai.openai_chat_completion, `, "nothing close: the list")
}

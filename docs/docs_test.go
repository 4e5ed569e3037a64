package docs_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/docs"
	"github.com/kosmo-run/kosmo/integration/openai"
)

var update = flag.Bool("update", false, "rewrite golden files")

const golden = "../testdata/golden/integrations.openai.md"

func TestReferenceMatchesGoldenByteForByte(t *testing.T) {
	got, err := docs.New(openai.New()).Read("integrations.openai")
	require.NoError(t, err)
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), got)
}

// The golden copy must begin with the shared reference, unchanged, when that
// folder is beside the project (what changed at OpenAI since is appended);
// a contributor without it still runs the test above.
func TestGoldenBeginsWithTheSharedReference(t *testing.T) {
	shared, err := os.ReadFile(filepath.Join("..", "..", "shared", "reference", "integrations.openai.md"))
	if os.IsNotExist(err) {
		t.Skip("../shared is not beside the project")
	}
	require.NoError(t, err)
	got, err := os.ReadFile(golden)
	require.NoError(t, err)
	require.Greater(t, len(got), len(shared))
	assert.Equal(t, string(shared), string(got[:len(shared)]), "the seed's text, byte for byte, first")
	assert.Contains(t, string(got[len(shared):]), "## OpenAI's API today")
}

func TestFunctionPages(t *testing.T) {
	lib := docs.New(openai.New())
	tests := []struct {
		page, starts, contains string
	}{
		{"integrations.openai.openai_create_image", "## openai_create_image\n\nGenerate an image using DALL·E.\n", "| `style` | string | no |"},
		{"integrations.openai.openai_list_models", "## openai_list_models\n", "*No parameters required.*\n"},
		{"integrations.openai.openai_chat_completion", "## openai_chat_completion\n", "| `messages` | array | yes |"},
	}
	for _, tt := range tests {
		t.Run(tt.page, func(t *testing.T) {
			got, err := lib.Read(tt.page)
			require.NoError(t, err)
			assert.True(t, len(got) > len(tt.starts) && got[:len(tt.starts)] == tt.starts, got)
			assert.Contains(t, got, tt.contains)
			assert.NotContains(t, got, "## Examples")
		})
	}
}

func TestEveryPageReadsAndUnknownPagesListThem(t *testing.T) {
	lib := docs.New(openai.New())
	pages := lib.Pages()
	require.Len(t, pages, 16)
	for _, p := range pages {
		_, err := lib.Read(p)
		require.NoError(t, err, p)
	}
	_, err := lib.Read("integrations.openai.openai_create_imag")
	var unknown *docs.UnknownPageError
	require.ErrorAs(t, err, &unknown)
	assert.Contains(t, err.Error(), `did you mean "integrations.openai.openai_create_image"`)
	assert.Contains(t, err.Error(), "integrations.openai.openai_list_models")
}

// TestShortPageNames: a page answers to the names kosmo call takes for its
// function, in lua_read_doc as in kosmo doc; an unknown one suggests the
// closest page and lists them all.
func TestShortPageNames(t *testing.T) {
	lib := docs.New(openai.New())
	want, err := lib.Read("integrations.openai.openai_create_image")
	require.NoError(t, err)
	for _, name := range []string{"openai_create_image", "create_image", "openai.create_image", "openai.openai_create_image", "integrations.openai.create_image"} {
		got, err := lib.Read(name)
		require.NoError(t, err, name)
		assert.Equal(t, want, got, name)
	}
	full, err := lib.Read("openai")
	require.NoError(t, err)
	assert.Contains(t, full, "# OpenAI — Lua API Reference")
	_, err = lib.Read("create_imag")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `did you mean "integrations.openai.openai_create_image"?`)
	assert.Contains(t, err.Error(), "integrations.openai.openai_list_models", "the pages are listed")
}

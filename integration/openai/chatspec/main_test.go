package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEmbeddedSchemasAreCurrent: every schema kosmo embeds is what this
// command extracts from the published spec, when that spec is beside the
// project.
func TestEmbeddedSchemasAreCurrent(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "shared", "openai-openapi", "openapi.json"))
	if os.IsNotExist(err) {
		t.Skip("../shared/openai-openapi is not beside the project")
	}
	require.NoError(t, err)
	for _, target := range Targets {
		t.Run(target.File, func(t *testing.T) {
			want, err := target.Extract(src)
			require.NoError(t, err)
			got, err := os.ReadFile(filepath.Join("..", target.File))
			require.NoError(t, err)
			assert.Equal(t, string(want), string(got), "re-run: go run ./integration/openai/chatspec -in ../shared/openai-openapi/openapi.json")
		})
	}
}

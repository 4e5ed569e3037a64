package main

import (
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEveryCommandHasExamples(t *testing.T) {
	var paths []string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" {
			return
		}
		paths = append(paths, c.CommandPath())
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk((&app{env: Env{}}).newRootCmd())
	require.Contains(t, paths, "kosmo completion bash", "the completion commands are part of the tree")
	for _, path := range paths {
		if path == "kosmo" {
			continue
		}
		t.Run(path, func(t *testing.T) {
			args := append(strings.Fields(path)[1:], "--help")
			r := runCLI(t, context.Background(), nil, args...)
			require.Equal(t, 0, r.code, r.stderr)
			assert.Contains(t, r.stdout, "Examples:")
			_, examples, _ := strings.Cut(r.stdout, "Examples:\n")
			assert.Contains(t, examples, path, "the examples show the command itself")
		})
	}
}

func TestMissingArgumentSaysWhatIsExpected(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"run with nothing", []string{"run"}, "kosmo: a script is expected: a file (kosmo run agent.lua), - to read it from standard input, or -e CODE (see 'kosmo run --help')\n"},
		{"run with flags only", []string{"run", "--fake", "--timeout", "1s"}, "kosmo: a script is expected: a file (kosmo run agent.lua), - to read it from standard input, or -e CODE (see 'kosmo run --help')\n"},
		{"call with nothing", []string{"call", "--fake"}, "kosmo: a function is expected, e.g. kosmo call openai.openai_list_models (kosmo doc --list lists them) (see 'kosmo call --help')\n"},
		{"call with two functions keeps cobra's count", []string{"call", "a", "b"}, "kosmo: accepts 1 arg(s), received 2 (see 'kosmo call --help')\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, context.Background(), nil, tt.args...)
			assert.Equal(t, ExitUsage, r.code)
			assert.Equal(t, tt.stderr, r.stderr)
			assert.NotContains(t, r.stderr, "received 0")
		})
	}
}

func TestCompletionWritesToTheCommandsOutput(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		r := runCLI(t, context.Background(), nil, "completion", shell)
		assert.Equal(t, 0, r.code, r.stderr)
		assert.Contains(t, r.stdout, "kosmo", shell)
	}
}

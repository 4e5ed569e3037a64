package main

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadmeExamples runs every command of the README's cli-examples block
// against the fake: each must exit 0 and print something.
func TestReadmeExamples(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	_, block, found := strings.Cut(string(data), "<!-- cli-examples -->\n```sh\n")
	require.True(t, found, "the README has the cli-examples block")
	block, _, _ = strings.Cut(block, "```")
	lines := strings.Split(strings.TrimSpace(block), "\n")
	require.GreaterOrEqual(t, len(lines), 8)
	for _, line := range lines {
		t.Run(line, func(t *testing.T) {
			stdin := ""
			if before, after, piped := strings.Cut(line, " | "); piped {
				echo, err := shellWords(before)
				require.NoError(t, err)
				require.Equal(t, "echo", echo[0])
				stdin, line = strings.Join(echo[1:], " ")+"\n", after
			}
			words, err := shellWords(line)
			require.NoError(t, err)
			require.Equal(t, "kosmo", words[0])
			r := runWithStdin(t, stdin, words[1:]...)
			assert.Equal(t, 0, r.code, "stderr: %s", r.stderr)
			assert.NotEmpty(t, r.stdout)
		})
	}
}

// shellWords splits a command line with single and double quotes, as sh
// does for these simple lines.
func shellWords(s string) ([]string, error) {
	var (
		words []string
		cur   strings.Builder
		quote rune
		in    bool
	)
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, in = r, true
		case r == ' ':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if quote != 0 {
		return nil, errors.New("unclosed quote")
	}
	if in {
		words = append(words, cur.String())
	}
	return words, nil
}

package integration_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/integration"
)

func TestReadEvents(t *testing.T) {
	cases := []struct {
		name, in string
		want     []string
		err      error
	}{
		{"data lines", "data: {\"a\":1}\n\ndata: [DONE]\n\n", []string{`{"a":1}`, "[DONE]"}, nil},
		{"CRLF, comments, other fields", ": keep-alive\r\nevent: x\r\nid: 1\r\ndata: one\r\n\r\n", []string{"one"}, nil},
		{"data over several lines", "data: a\ndata: b\n\n", []string{"a\nb"}, nil},
		{"no space after the colon", "data:x\n\n", []string{"x"}, nil},
		{"an event without its blank line is not passed", "data: a\n\ndata: b\n", []string{"a"}, nil},
		{"a line cut in the middle", "data: a\n\ndata: {\"b", []string{"a"}, io.ErrUnexpectedEOF},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			err := integration.ReadEvents(strings.NewReader(tc.in), func(data []byte) error {
				got = append(got, string(data))
				return nil
			})
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestReadEventsStopsOnTheCallersError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	err := integration.ReadEvents(strings.NewReader("data: 1\n\ndata: 2\n\ndata: 3\n\n"), func([]byte) error {
		n++
		if n == 2 {
			return stop
		}
		return nil
	})
	assert.Same(t, stop, err)
	assert.Equal(t, 2, n)
}

func TestReadEventsRefusesAHugeEvent(t *testing.T) {
	big := "data: " + strings.Repeat("x", integration.MaxEventBytes+10) + "\n\n"
	err := integration.ReadEvents(strings.NewReader(big), func([]byte) error { return nil })
	require.ErrorIs(t, err, integration.ErrEventTooLarge)
}

// TestKeyHold: pieces of a text come out whole and in order, with the key
// redacted wherever it was split, and what is held back is always shorter
// than the key.
func TestKeyHold(t *testing.T) {
	const key = "sk-hold-0123456789"
	redacted := integration.NewSecret(key).Redacted()
	tests := []struct {
		name   string
		pieces []string
		want   string
	}{
		{"ordinary text", []string{"Hello", ", ", "world"}, "Hello, world"},
		{"the key whole", []string{"a " + key + " b"}, "a " + redacted + " b"},
		{"the key split", []string{"a sk-", "hold-01", "23456789 b"}, "a " + redacted + " b"},
		{"the key split after what its redacted form shows", []string{"a sk-ho", "ld-01", "23456789 b"}, "a " + redacted + " b"},
		{"the key one byte a piece", strings.Split("x"+key+"y", ""), "x" + redacted + "y"},
		{"a start of the key, then other text", []string{"sk-ho", "use"}, "sk-house"},
		{"a start of the key at the end", []string{"ends sk-hold-0"}, "ends sk-hold-0"},
		{"the key's start twice", []string{"sk-sk-", "hold-0123456789"}, "sk-" + redacted},
		{"the key twice, split", []string{key[:5], key[5:] + key[:2], key[2:]}, redacted + redacted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := integration.NewKeyHold(integration.NewSecret(key))
			var out, in strings.Builder
			for _, p := range tt.pieces {
				in.WriteString(p)
				out.WriteString(h.Next(p))
				assert.NotContains(t, out.String(), key)
				if !strings.Contains(in.String(), key[:len(key)-1]) {
					assert.Less(t, in.Len()-out.Len(), len(key), "held back after %q: %q", in.String(), out.String())
				}
			}
			out.WriteString(h.Flush())
			assert.Equal(t, tt.want, out.String())
		})
	}
}

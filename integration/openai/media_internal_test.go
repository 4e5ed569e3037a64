package openai

import (
	"testing"

	"github.com/stretchr/testify/assert"

	in "github.com/kosmo-run/kosmo/integration"
)

// TestUploadLimits: audio over 25 MB and files over 512 MB are refused
// before sending, naming the limit; at the limit they pass.
func TestUploadLimits(t *testing.T) {
	tests := []struct {
		name  string
		check func(in.Args) []in.Problem
		size  int
		want  string
	}{
		{"audio at the limit", checkTranscription, MaxAudioBytes, ""},
		{"audio over", checkTranscription, MaxAudioBytes + 1, "an audio file of at most 25 MB (26214400 bytes) expected, got 26214401 bytes"},
		{"file at the limit", checkUpload, MaxFileBytes, ""},
		{"file over", checkUpload, MaxFileBytes + 1, "a file of at most 512 MB (536870912 bytes) expected, got 536870913 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Untouched zero pages: the size is what counts.
			problems := tt.check(in.Args{"file_content": make([]byte, tt.size)})
			if tt.want == "" {
				assert.Empty(t, problems)
				return
			}
			if assert.Len(t, problems, 1) {
				assert.Equal(t, "file_content", problems[0].Path)
				assert.Contains(t, problems[0].Message, tt.want)
			}
		})
	}
}

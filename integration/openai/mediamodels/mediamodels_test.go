package mediamodels

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestImageRules(t *testing.T) {
	tests := []struct {
		model string
		body  map[string]any
		want  []string // "param: message" of each problem
	}{
		{"gpt-image-2", map[string]any{"quality": "hd"}, []string{"quality: gpt-image-2 takes low, medium, high or auto; 'hd' is a dall-e-3 value"}},
		{"gpt-image-2-2026-04-21", map[string]any{"quality": "high", "size": "3840x2160", "output_format": "webp", "background": "transparent"}, nil},
		{"gpt-image-2", map[string]any{"size": "1536x864"}, nil},
		{"gpt-image-2", map[string]any{"size": "2160x3840"}, nil},
		{"gpt-image-2", map[string]any{"size": "1000x1000"}, []string{"size"}},
		{"gpt-image-2", map[string]any{"size": "3072x1008"}, []string{"size"}},  // ratio over 3:1
		{"gpt-image-2", map[string]any{"size": "3856x2160"}, []string{"size"}},  // longer side over 3840
		{"gpt-image-2", map[string]any{"size": "2400x3840"}, []string{"size"}},  // over 3840×2160 pixels
		{"gpt-image-1.5", map[string]any{"size": "1536x864"}, []string{"size"}}, // no custom sizes
		{"gpt-image-2", map[string]any{"response_format": "url", "style": "vivid"}, []string{"style", "response_format"}},
		{"gpt-image-2", map[string]any{"background": "transparent", "output_format": "jpeg"}, []string{"background"}},
		{"gpt-image-2", map[string]any{"output_compression": 50.0}, []string{"output_compression"}},
		{"dall-e-3", map[string]any{"n": 2.0, "quality": "low", "output_format": "png"}, []string{"n", "quality", "output_format"}},
		{"dall-e-2", map[string]any{"size": "1792x1024", "style": "vivid"}, []string{"size", "style"}},
	}
	for _, tt := range tests {
		t.Run(tt.model, func(t *testing.T) {
			row, ok := LookupImage(tt.model)
			assert.True(t, ok)
			got := row.Check(tt.body)
			assert.Len(t, got, len(tt.want), "%v", got)
			for i := range min(len(got), len(tt.want)) {
				if len(tt.want[i]) > len(got[i].Param) {
					assert.Equal(t, tt.want[i], got[i].Param+": "+got[i].Message)
				} else {
					assert.Equal(t, tt.want[i], got[i].Param)
				}
			}
		})
	}
	_, ok := LookupImage("my-deployment")
	assert.False(t, ok, "a model no row names has no rules")
}

func TestLastShutdown(t *testing.T) {
	assert.Equal(t, "2027-01-06", LastShutdown(), "tts-1, tts-1-hd and gpt-4o-mini-tts")
}

func TestTranscriptionAndSpeechRules(t *testing.T) {
	whisper, _ := LookupTranscription("whisper-1")
	assert.Empty(t, whisper.Check(map[string]any{"response_format": "srt"}))
	assert.Empty(t, whisper.Check(map[string]any{"response_format": "verbose_json", "timestamp_granularities": []any{"word"}}))
	mini, _ := LookupTranscription("gpt-4o-mini-transcribe-2025-12-15")
	assert.Equal(t, []Problem{{Param: "response_format", Message: "gpt-4o-mini-transcribe answers json only, not 'text'"}},
		mini.Check(map[string]any{"response_format": "text"}))
	diarize, _ := LookupTranscription("gpt-4o-transcribe-diarize")
	assert.Len(t, diarize.Check(map[string]any{"prompt": "x", "include": []any{"logprobs"}}), 2)
	gt, _ := LookupTranscription("gpt-transcribe")
	assert.Empty(t, gt.Check(map[string]any{"languages": []any{"en"}, "keywords": []any{"k"}, "response_format": "text"}))
	tts, _ := LookupSpeech("tts-1")
	assert.Len(t, tts.Check(map[string]any{"instructions": "x", "stream_format": "sse"}), 2)
	mtts, _ := LookupSpeech("gpt-4o-mini-tts-2025-12-15")
	assert.Empty(t, mtts.Check(map[string]any{"instructions": "x"}))
}

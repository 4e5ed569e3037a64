package openaitest

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSpeechInstructionsByModel: instructions are taken by gpt-4o-mini-tts
// and refused on tts-1 and tts-1-hd, as the API does.
func TestSpeechInstructionsByModel(t *testing.T) {
	s := newSpeechServer(t)
	for _, tt := range []struct {
		model  string
		status int
	}{{"gpt-4o-mini-tts", http.StatusOK}, {"tts-1", http.StatusBadRequest}, {"tts-1-hd", http.StatusBadRequest}} {
		t.Run(tt.model, func(t *testing.T) {
			r := postJSON(t, s, "/v1/audio/speech", map[string]any{"model": tt.model, "input": "Hello", "voice": "coral",
				"instructions": "Speak softly."}, authHeaders())
			require.Equal(t, tt.status, r.status, "body: %s", r.body)
			if tt.status != http.StatusOK {
				assert.Equal(t, "instructions", r.apiError(t)["param"])
			}
		})
	}
}

// TestTranscriptionFormatsByModel: each model answers the formats the
// transcription table gives it, and refuses the others.
func TestTranscriptionFormatsByModel(t *testing.T) {
	s := newTestServer(t)
	audio := encodeWAV(make([]int16, 2400), "hello there")
	for _, tt := range []struct {
		model, format string
		status        int
	}{
		{"whisper-1", "srt", http.StatusOK},
		{"whisper-1", "verbose_json", http.StatusOK},
		{"gpt-4o-transcribe", "json", http.StatusOK},
		{"gpt-4o-transcribe", "srt", http.StatusBadRequest},
		{"gpt-4o-transcribe", "text", http.StatusBadRequest},
		{"gpt-4o-mini-transcribe", "vtt", http.StatusBadRequest},
		{"gpt-4o-transcribe-diarize", "diarized_json", http.StatusOK},
		{"gpt-4o-transcribe-diarize", "srt", http.StatusBadRequest},
	} {
		t.Run(tt.model+"/"+tt.format, func(t *testing.T) {
			r := transcribe(t, s, "a.wav", audio, field("model", tt.model), field("response_format", tt.format))
			require.Equal(t, tt.status, r.status, "body: %s", r.body)
			if tt.status != http.StatusOK {
				e := r.apiError(t)
				assert.Equal(t, "response_format", e["param"])
				assert.Contains(t, e["message"], tt.model)
			}
		})
	}
}

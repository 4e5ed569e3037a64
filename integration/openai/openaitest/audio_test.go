package openaitest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func speak(t *testing.T, s *Server, req map[string]any) response {
	t.Helper()
	r := postJSON(t, s, "/v1/audio/speech", req, authHeaders())
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	return r
}

func TestSpeechFormats(t *testing.T) {
	s := newSpeechServer(t)
	text := "Hello there. This is kosmo speaking!"
	tests := []struct {
		format, contentType string
		check               func(t *testing.T, b []byte)
	}{
		{"", "audio/mpeg", func(t *testing.T, b []byte) {
			require.True(t, bytes.HasPrefix(b, []byte("ID3\x03\x00")))
			size := int(b[6])<<21 | int(b[7])<<14 | int(b[8])<<7 | int(b[9])
			frames := b[10+size:]
			require.Zero(t, len(frames)%mp3FrameLen)
			require.Equal(t, []byte{0xFF, 0xFB, 0x14, 0xC4}, frames[:4])
		}},
		{"wav", "audio/wav", func(t *testing.T, b []byte) { require.Equal(t, "RIFF", string(b[:4])) }},
		{"opus", "audio/ogg", func(t *testing.T, b []byte) { require.Equal(t, "OggS", string(b[:4])) }},
		{"aac", "audio/aac", func(t *testing.T, b []byte) { require.True(t, bytes.HasPrefix(b, []byte("ID3"))) }},
		{"flac", "audio/flac", func(t *testing.T, b []byte) { require.Equal(t, "fLaC", string(b[:4])) }},
		{"pcm", "audio/pcm", func(t *testing.T, b []byte) {
			want := int(math.Round(speechSeconds(text, 1) * speechRate))
			require.Len(t, b, 2*want)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.contentType, func(t *testing.T) {
			req := map[string]any{"model": "tts-1", "voice": "alloy", "input": text}
			if tt.format != "" {
				req["response_format"] = tt.format
			}
			r := speak(t, s, req)
			require.Equal(t, tt.contentType, r.header.Get("Content-Type"))
			require.NotEmpty(t, r.body)
			tt.check(t, r.body)
			again := speak(t, s, req)
			require.Equal(t, r.body, again.body, "speech is deterministic")
		})
	}
}

func TestSpeechWAV(t *testing.T) {
	s := newSpeechServer(t)
	text := "The quick brown fox — naïve café, 日本語."
	for _, speed := range []float64{0.5, 1, 2.5} {
		t.Run(fmt.Sprint(speed), func(t *testing.T) {
			b := speak(t, s, map[string]any{"model": "gpt-4o-mini-tts", "voice": map[string]any{"id": "voice_123"},
				"input": text, "response_format": "wav", "speed": speed}).body

			// RIFF header and chunks, parsed independently of the encoder.
			require.Equal(t, "RIFF", string(b[:4]))
			require.Equal(t, uint32(len(b)-8), binary.LittleEndian.Uint32(b[4:]))
			require.Equal(t, "WAVE", string(b[8:12]))
			chunks := map[string][]byte{}
			for p := 12; p+8 <= len(b); {
				id, n := string(b[p:p+4]), int(binary.LittleEndian.Uint32(b[p+4:]))
				require.LessOrEqual(t, p+8+n, len(b), "chunk %q overruns the file", id)
				chunks[id] = b[p+8 : p+8+n]
				p += 8 + n + n%2
			}
			fmtc := chunks["fmt "]
			require.Len(t, fmtc, 16)
			assert.Equal(t, uint16(1), binary.LittleEndian.Uint16(fmtc[0:]), "PCM")
			assert.Equal(t, uint16(1), binary.LittleEndian.Uint16(fmtc[2:]), "mono")
			assert.Equal(t, uint32(24000), binary.LittleEndian.Uint32(fmtc[4:]))
			assert.Equal(t, uint32(48000), binary.LittleEndian.Uint32(fmtc[8:]))
			assert.Equal(t, uint16(2), binary.LittleEndian.Uint16(fmtc[12:]))
			assert.Equal(t, uint16(16), binary.LittleEndian.Uint16(fmtc[14:]))
			require.Contains(t, chunks, "LIST")
			assert.Contains(t, string(chunks["LIST"]), text)

			data := chunks["data"]
			seconds := float64(len(data)) / 48000
			assert.InDelta(t, (0.3+0.06*float64(len([]rune(text))))/speed, seconds, 0.001)
			var peak, energy float64
			for i := 0; i+1 < len(data); i += 2 {
				v := float64(int16(binary.LittleEndian.Uint16(data[i:])))
				peak = max(peak, math.Abs(v))
				energy += v * v
			}
			rms := math.Sqrt(energy / float64(len(data)/2))
			assert.Greater(t, peak, 5000.0, "audible")
			assert.Greater(t, rms, 1000.0, "not silence")
		})
	}
}

func transcribe(t *testing.T, s *Server, filename string, audio []byte, fields ...formPart) response {
	t.Helper()
	parts := append([]formPart{{name: "file", filename: filename, data: audio}}, fields...)
	return postForm(t, s, "/v1/audio/transcriptions", parts, authHeaders())
}

func TestSpeechTranscriptionRoundTrip(t *testing.T) {
	s := newSpeechServer(t)
	texts := []string{
		"Hello, world.",
		"Ünïcödé ✓ and emoji 🎉 survive; so do \"quotes\" and\nnew lines.",
		"x",
		"nul\x00inside",
		strings.Repeat("long text ", 400),
	}
	formats := map[string]string{"mp3": "speech.mp3", "wav": "speech.wav", "opus": "speech.ogg", "flac": "speech.flac", "aac": "speech.m4a"}
	for _, text := range texts {
		for format, name := range formats {
			t.Run(format+"/"+fmt.Sprint(len(text)), func(t *testing.T) {
				audio := speak(t, s, map[string]any{"model": "tts-1-hd", "voice": "nova", "input": text, "response_format": format}).body
				r := transcribe(t, s, name, audio, field("model", "whisper-1"))
				m := ok(t, r)
				conformsTo(t, "CreateTranscriptionResponseJson", r.body)
				require.Equal(t, text, m["text"])
				u := obj(t, m["usage"])
				assert.Equal(t, "duration", u["type"])
				assert.InDelta(t, math.Ceil(speechSeconds(text, 1)), float64(num(t, u["seconds"])), 1)
			})
		}
	}
}

func TestTranscriptionFormats(t *testing.T) {
	s := newSpeechServer(t)
	text := "First sentence here. Second one follows! Third?"
	audio := speak(t, s, map[string]any{"model": "tts-1", "voice": "echo", "input": text, "response_format": "wav"}).body
	seconds := speechSeconds(text, 1)

	t.Run("text", func(t *testing.T) {
		r := transcribe(t, s, "a.wav", audio, field("model", "whisper-1"), field("response_format", "text"))
		require.Equal(t, http.StatusOK, r.status)
		assert.Equal(t, "text/plain; charset=utf-8", r.header.Get("Content-Type"))
		assert.Equal(t, text, string(r.body))
	})
	t.Run("srt", func(t *testing.T) {
		r := transcribe(t, s, "a.wav", audio, field("model", "whisper-1"), field("response_format", "srt"))
		require.Equal(t, http.StatusOK, r.status)
		assert.Equal(t, "text/plain; charset=utf-8", r.header.Get("Content-Type"))
		cues := strings.Split(strings.TrimSuffix(string(r.body), "\n\n"), "\n\n")
		require.Len(t, cues, 3)
		// The first cue holds 20 of the 45 characters, so 20/45 of the time.
		assert.Equal(t, "1\n00:00:00,000 --> "+timestamp(seconds*20/45, ",")+"\nFirst sentence here.", cues[0])
		assert.True(t, strings.HasPrefix(cues[2], "3\n"))
		assert.True(t, strings.HasSuffix(cues[2], " --> "+timestamp(seconds, ",")+"\nThird?"), cues[2])
	})
	t.Run("vtt", func(t *testing.T) {
		r := transcribe(t, s, "a.wav", audio, field("model", "whisper-1"), field("response_format", "vtt"))
		require.Equal(t, http.StatusOK, r.status)
		body := string(r.body)
		require.True(t, strings.HasPrefix(body, "WEBVTT\n\n00:00:00.000 --> "), body)
		assert.Contains(t, body, "\nSecond one follows!\n\n")
		assert.Equal(t, 3, strings.Count(body, " --> "))
	})
	t.Run("verbose_json", func(t *testing.T) {
		r := transcribe(t, s, "a.wav", audio, field("model", "whisper-1"), field("response_format", "verbose_json"),
			field("language", "de"), field("timestamp_granularities[]", "word"), field("temperature", "0.2"))
		m := ok(t, r)
		conformsTo(t, "CreateTranscriptionResponseVerboseJson", r.body)
		assert.Equal(t, "transcribe", m["task"])
		assert.Equal(t, "german", m["language"])
		assert.Equal(t, text, m["text"])
		assert.NotContains(t, m, "segments", "only words were asked for")
		words := arr(t, m["words"])
		require.Len(t, words, 7)
		assert.Equal(t, "First", obj(t, words[0])["word"])
	})
	t.Run("verbose_json segments", func(t *testing.T) {
		r := transcribe(t, s, "a.wav", audio, field("model", "whisper-1"), field("response_format", "verbose_json"))
		m := ok(t, r)
		conformsTo(t, "CreateTranscriptionResponseVerboseJson", r.body)
		segs := arr(t, m["segments"])
		require.Len(t, segs, 3)
		seg := obj(t, segs[1])
		requireKeys(t, seg, "id", "seek", "start", "end", "text", "tokens", "temperature", "avg_logprob", "compression_ratio", "no_speech_prob")
		assert.Equal(t, " Second one follows!", seg["text"])
	})
	t.Run("gpt-4o json usage in tokens", func(t *testing.T) {
		r := transcribe(t, s, "a.wav", audio, field("model", "gpt-4o-transcribe"), field("prompt", "names: Kosmo"))
		m := ok(t, r)
		conformsTo(t, "CreateTranscriptionResponseJson", r.body)
		u := obj(t, m["usage"])
		assert.Equal(t, "tokens", u["type"])
		assert.Equal(t, int64(CountTokens(text)), num(t, u["output_tokens"]))
		assert.Equal(t, num(t, u["input_tokens"])+num(t, u["output_tokens"]), num(t, u["total_tokens"]))
	})
	t.Run("diarized_json", func(t *testing.T) {
		r := transcribe(t, s, "a.wav", audio, field("model", "gpt-4o-transcribe-diarize"), field("response_format", "diarized_json"))
		ok(t, r)
		conformsTo(t, "CreateTranscriptionResponseDiarizedJson", r.body)
	})
}

func TestTranscriptionForeignFile(t *testing.T) {
	s := newTestServer(t)
	r := transcribe(t, s, "voice memo.mp3", []byte("not really audio"), field("model", "whisper-1"))
	m := ok(t, r)
	assert.Equal(t, "(fake transcription of 16 bytes from voice memo.mp3)", m["text"])

	// A WAV from elsewhere (no mark of the fake) is not read for text.
	other := encodeWAV(make([]int16, 2400), "secret")
	other = bytes.Replace(other, []byte(fakeSoftware), []byte("another encoder"), 1)
	m = ok(t, transcribe(t, s, "x.wav", other, field("model", "whisper-1")))
	assert.True(t, strings.HasPrefix(m["text"].(string), "(fake transcription of "))
}

func TestTranscriptionErrors(t *testing.T) {
	s := newTestServer(t)
	wav := encodeWAV(make([]int16, 2400), "hi")
	tests := []struct {
		name   string
		parts  []formPart
		status int
		param  string
	}{
		{"missing file", []formPart{field("model", "whisper-1")}, 400, "file"},
		{"file as plain field", []formPart{field("file", "abc"), field("model", "whisper-1")}, 400, "file"},
		{"missing model", []formPart{{name: "file", filename: "a.wav", data: wav}}, 400, "model"},
		{"bad extension", []formPart{{name: "file", filename: "a.txt", data: wav}, field("model", "whisper-1")}, 400, "file"},
		{"empty file", []formPart{{name: "file", filename: "a.wav", data: nil}, field("model", "whisper-1")}, 400, "file"},
		{"bad format", []formPart{{name: "file", filename: "a.wav", data: wav}, field("model", "whisper-1"), field("response_format", "xml")}, 400, "response_format"},
		{"format not for model", []formPart{{name: "file", filename: "a.wav", data: wav}, field("model", "gpt-4o-transcribe"), field("response_format", "srt")}, 400, "response_format"},
		{"bad temperature", []formPart{{name: "file", filename: "a.wav", data: wav}, field("model", "whisper-1"), field("temperature", "hot")}, 400, "temperature"},
		{"temperature range", []formPart{{name: "file", filename: "a.wav", data: wav}, field("model", "whisper-1"), field("temperature", "1.5")}, 400, "temperature"},
		{"bad language", []formPart{{name: "file", filename: "a.wav", data: wav}, field("model", "whisper-1"), field("language", "English")}, 400, "language"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := postForm(t, s, "/v1/audio/transcriptions", tt.parts, authHeaders())
			require.Equal(t, tt.status, r.status, "body: %s", r.body)
			assert.Equal(t, tt.param, r.apiError(t)["param"])
		})
	}
	// Not multipart at all.
	r := postJSON(t, s, "/v1/audio/transcriptions", `{"model":"whisper-1"}`, authHeaders())
	require.Equal(t, http.StatusBadRequest, r.status)
	assert.Contains(t, r.apiError(t)["message"], "expected multipart/form-data")
}

// TestTranscriptionGranularities: verbose_json carries segments by default,
// and the words and segments asked for by timestamp_granularities[], which
// clients send as one form part per element.
func TestTranscriptionGranularities(t *testing.T) {
	s := newSpeechServer(t)
	text := "First sentence here. Second one follows! Third?"
	audio := speak(t, s, map[string]any{"model": "tts-1", "voice": "echo", "input": text, "response_format": "wav"}).body
	tests := []struct {
		name            string
		fields          []formPart
		words, segments bool
	}{
		{"default", nil, false, true},
		{"word", []formPart{field("timestamp_granularities[]", "word")}, true, false},
		{"segment", []formPart{field("timestamp_granularities[]", "segment")}, false, true},
		{"word and segment", []formPart{field("timestamp_granularities[]", "word"), field("timestamp_granularities[]", "segment")}, true, true},
		{"segment and word", []formPart{field("timestamp_granularities[]", "segment"), field("timestamp_granularities[]", "word")}, true, true},
		{"without brackets", []formPart{field("timestamp_granularities", "word"), field("timestamp_granularities", "segment")}, true, true},
		{"comma-separated", []formPart{field("timestamp_granularities[]", "word,segment")}, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fields := append([]formPart{field("model", "whisper-1"), field("response_format", "verbose_json")}, tt.fields...)
			r := transcribe(t, s, "a.wav", audio, fields...)
			m := ok(t, r)
			conformsTo(t, "CreateTranscriptionResponseVerboseJson", r.body)
			if tt.words {
				assert.Len(t, arr(t, m["words"]), 7)
			} else {
				assert.NotContains(t, m, "words")
			}
			if tt.segments {
				assert.Len(t, arr(t, m["segments"]), 3)
			} else {
				assert.NotContains(t, m, "segments")
			}
		})
	}

	r := transcribe(t, s, "a.wav", audio, field("model", "whisper-1"), field("response_format", "verbose_json"),
		field("timestamp_granularities[]", "word"), field("timestamp_granularities[]", "sentence"))
	require.Equal(t, http.StatusBadRequest, r.status, "body: %s", r.body)
	assert.Equal(t, "timestamp_granularities[]", r.apiError(t)["param"])
}

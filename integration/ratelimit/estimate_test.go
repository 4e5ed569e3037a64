package ratelimit_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
	"github.com/kosmo-run/kosmo/integration/ratelimit"
)

// form returns a multipart/form-data body, as kosmo's uploads write it
// (the file first, then the fields), and its content type.
func form(t *testing.T, file []byte, fields ...string) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", "speech.mp3")
	require.NoError(t, err)
	_, err = fw.Write(file)
	require.NoError(t, err)
	for i := 0; i+1 < len(fields); i += 2 {
		require.NoError(t, mw.WriteField(fields[i], fields[i+1]))
	}
	require.NoError(t, mw.Close())
	return mw.FormDataContentType(), buf.Bytes()
}

func TestEstimateMultipart(t *testing.T) {
	// An upload of 4 MB whose bytes hold what looks like a model field.
	upload := bytes.Repeat([]byte("name=\"model\"\r\n\r\ngpt-4o\r\n"), 4<<20/24)
	cases := []struct {
		name   string
		fields []string
		cut    bool // the body broken off halfway through the file
		model  string
	}{
		{"model after the file", []string{"model", "whisper-1", "language", "en"}, false, "whisper-1"},
		{"model among other fields", []string{"language", "en", "model", "gpt-4o-transcribe", "response_format", "text"}, false, "gpt-4o-transcribe"},
		{"no model field", []string{"purpose", "assistants"}, false, ""},
		{"body broken off before the model", []string{"model", "whisper-1"}, true, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ct, body := form(t, upload, c.fields...)
			if c.cut {
				body = body[:len(body)/2]
			}
			model, tokens := ratelimit.Estimate(ct, body)
			assert.Equal(t, c.model, model)
			assert.Zero(t, tokens, "an upload's tokens are not estimated")
		})
	}
	t.Run("content type without boundary", func(t *testing.T) {
		_, body := form(t, upload, "model", "whisper-1")
		model, _ := ratelimit.Estimate("multipart/form-data", body)
		assert.Empty(t, model)
	})
	t.Run("the file is not copied", func(t *testing.T) {
		ct, body := form(t, upload, "model", "whisper-1")
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		model, _ := ratelimit.Estimate(ct, body)
		runtime.ReadMemStats(&after)
		assert.Equal(t, "whisper-1", model)
		assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(len(body)/16), "bytes allocated to estimate a %d-byte body", len(body))
	})
}

func TestEstimateMalformedValues(t *testing.T) {
	const maxTokens = 1<<31 - 1
	hi := `"messages":[{"role":"user","content":"Hi"}]`
	cases := []struct {
		name, body, model string
		tokens            int
	}{
		{"count beyond any int", `{"model":"gpt-4.1-nano",` + hi + `,"max_completion_tokens":1e+20}`, "gpt-4.1-nano", 3 + 3 + 1 + maxTokens},
		{"count beyond any int times n", `{"model":"gpt-4.1-nano",` + hi + `,"max_tokens":100000000000000000000,"n":1e9}`, "gpt-4.1-nano", 3 + 3 + 1 + maxTokens},
		{"n beyond the API's 128", `{"model":"m",` + hi + `,"max_tokens":10,"n":1000}`, "m", 3 + 3 + 1 + 10*128},
		{"fractional count", `{"model":"m",` + hi + `,"max_tokens":10.9}`, "m", 3 + 3 + 1 + 10},
		{"negative count", `{"model":"m",` + hi + `,"max_tokens":-5,"n":-2}`, "m", 3 + 3 + 1},
		{"count as a string", `{"model":"m",` + hi + `,"max_tokens":"100"}`, "m", 3 + 3 + 1},
		{"instructions not a string", `{"model":"gpt-4.1","input":"abcd","instructions":5}`, "gpt-4.1", 1},
		{"messages not a list", `{"model":"m","messages":{"role":"user","content":"abcdefgh"}}`, "m", 3 + 3 + 2},
		{"messages null", `{"model":"m","messages":null,"input":"abcd"}`, "m", 1},
		{"model not a string", `{"model":5,` + hi + `}`, "5", 3 + 3 + 1},
		{"model null", `{"model":null,` + hi + `}`, "", 3 + 3 + 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			model, tokens := ratelimit.Estimate("application/json", []byte(c.body))
			assert.Equal(t, c.model, model)
			assert.Equal(t, c.tokens, tokens)
		})
	}
}

// TestUploadsAndHugeCountsTakeTheirShare: at one request a minute, the
// second call of a script is refused as rate_limited and not sent, for
// a transcription (whose model is a multipart field) and for a chat call
// asking for more tokens than any int holds, as for any other call.
func TestUploadsAndHugeCountsTakeTheirShare(t *testing.T) {
	cases := []struct {
		name, call, path, budget string
	}{
		{"transcription", `openai.openai_transcribe_audio{ model = "whisper-1", file_content = audio, filename = "a.mp3" }`,
			"/v1/audio/transcriptions", "whisper-1 requests per minute"},
		{"max_completion_tokens 1e20", `openai.openai_chat_completion{ model = "gpt-4.1-nano", max_completion_tokens = 1e20,
			messages = { { role = "user", content = "hi" } } }`, "/v1/chat/completions", "gpt-4.1-nano requests per minute"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fake := openaitest.NewServer()
			defer fake.Close()
			h := host(fake, ratelimit.New(ratelimit.NewMemory()), integration.RateLimits{RPM: 1})
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()
			res, err := h.Run(ctx, "share.lua", `
				local openai = app.integrations.openai
				local audio = string.rep("SUQzBAAAAAAA", 2000) -- base64 of an ID3 header, over and over
				local function call() return `+c.call+` end
				local function try()
					local ok, err = pcall(call)
					return ok, ok and "" or type(err) == "table" and err.type .. ": " .. tostring(err.message) or tostring(err)
				end
				local ok1, err1 = try()
				local ok2, err2 = try()
				return ok1, err1, ok2, err2`)
			require.NoError(t, err)
			require.Len(t, res.Values, 4)
			assert.NotContains(t, res.Values[1], "rate_limited", "the first call had its share")
			assert.Equal(t, false, res.Values[2], "the second call was refused")
			assert.Contains(t, res.Values[3], "rate_limited: ")
			assert.Contains(t, res.Values[3], "not sent: its share of the rate budget ("+c.budget+")")
			sent := 0
			for _, r := range fake.Requests() {
				if strings.HasSuffix(r.Path, c.path) {
					sent++
				}
			}
			assert.Equal(t, 1, sent, "requests sent to %s", c.path)
		})
	}
}

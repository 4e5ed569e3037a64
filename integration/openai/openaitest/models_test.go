package openaitest

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/kosmo-run/kosmo/integration/openai/chatmodels"
	"github.com/kosmo-run/kosmo/integration/openai/retired"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// modelRequest sends a minimal valid request naming model to an endpoint.
func modelRequest(t *testing.T, s *Server, e endpoint, model string) response {
	t.Helper()
	switch e {
	case chatEndpoint:
		return postJSON(t, s, "/v1/chat/completions", map[string]any{"model": model,
			"messages": []any{map[string]any{"role": "user", "content": "hi"}}}, authHeaders())
	case embeddingsEndpoint:
		return postJSON(t, s, "/v1/embeddings", map[string]any{"model": model, "input": "hi"}, authHeaders())
	case imagesEndpoint:
		return postJSON(t, s, "/v1/images/generations", map[string]any{"model": model, "prompt": "a cat", "size": "1024x1024"}, authHeaders())
	case speechEndpoint:
		return postJSON(t, s, "/v1/audio/speech", map[string]any{"model": model, "input": "hi", "voice": "alloy"}, authHeaders())
	case transcriptionsEndpoint:
		return transcribe(t, s, "a.wav", encodeWAV(make([]int16, 2400), "hi"), field("model", model))
	case responsesEndpoint:
		return postJSON(t, s, "/v1/responses", map[string]any{"model": model, "input": "hi"}, authHeaders())
	}
	t.Fatalf("no request for endpoint %d", e)
	return response{}
}

var endpointNames = map[endpoint]string{
	chatEndpoint: "chat", embeddingsEndpoint: "embeddings", imagesEndpoint: "images",
	speechEndpoint: "speech", transcriptionsEndpoint: "transcriptions", responsesEndpoint: "responses",
}

// TestModelRefusals checks, per endpoint, the answer to a model name that
// does not exist and to a model of the table of another kind: the status,
// type, message, param and code the real endpoint gives.
//
// The table names models OpenAI has shut down or scheduled (dall-e-*,
// gpt-image-1*, tts-1, gpt-4o): the refusals are those of their kind, as
// the API gave them while it served them, so the fake serves them
// (WithRetiredModels); TestShutDownModelsRefused covers the refusal of a
// shut-down model.
func TestModelRefusals(t *testing.T) {
	s := newTestServer(t, WithRetiredModels())
	const notChat = "This is not a chat model and thus not supported in the v1/chat/completions endpoint. Did you mean to use v1/completions?"
	const noEmbeddings = "You are not allowed to generate embeddings from this model"
	notFound := func(m string) string {
		return fmt.Sprintf("The model `%s` does not exist or you do not have access to it.", m)
	}
	invalidImageModel := func(m string) string {
		return fmt.Sprintf("Invalid model %s. The model argument should be left blank.", m)
	}
	tests := []struct {
		endpoint             endpoint
		model                string
		status               int
		message, param, code string
	}{
		{chatEndpoint, "gpt-nope", 404, notFound("gpt-nope"), "", "model_not_found"},
		{chatEndpoint, "text-embedding-3-small", 404, notChat, "model", ""},
		{chatEndpoint, "dall-e-3", 404, notChat, "model", ""},
		{chatEndpoint, "tts-1", 404, notChat, "model", ""},
		{chatEndpoint, "whisper-1", 404, notChat, "model", ""},
		{chatEndpoint, "omni-moderation-latest", 404, notChat, "model", ""},

		{embeddingsEndpoint, "text-embedding-4", 404, notFound("text-embedding-4"), "", "model_not_found"},
		{embeddingsEndpoint, "gpt-4o", 403, noEmbeddings, "", ""},
		{embeddingsEndpoint, "dall-e-2", 403, noEmbeddings, "", ""},
		{embeddingsEndpoint, "whisper-1", 403, noEmbeddings, "", ""},

		{imagesEndpoint, "dall-e-9", 400, invalidImageModel("dall-e-9"), "", ""},
		{imagesEndpoint, "gpt-4o", 400, invalidImageModel("gpt-4o"), "", ""},
		{imagesEndpoint, "text-embedding-3-small", 400, invalidImageModel("text-embedding-3-small"), "", ""},
		{imagesEndpoint, "", 400, "Invalid model . The model argument should be left blank.", "", ""},

		{speechEndpoint, "tts-9", 404, notFound("tts-9"), "", "model_not_found"},
		{speechEndpoint, "gpt-4o", 404, "Invalid URL (POST /v1/audio/speech)", "", ""},
		{speechEndpoint, "whisper-1", 404, "Invalid URL (POST /v1/audio/speech)", "", ""},

		{transcriptionsEndpoint, "whisper-9", 404, notFound("whisper-9"), "", "model_not_found"},
		{transcriptionsEndpoint, "tts-1", 404, "Invalid URL (POST /v1/audio/transcriptions)", "", ""},
		{transcriptionsEndpoint, "gpt-4o", 404, "Invalid URL (POST /v1/audio/transcriptions)", "", ""},

		{responsesEndpoint, "gpt-nope", 400, "The requested model 'gpt-nope' does not exist.", "model", "model_not_found"},
		{responsesEndpoint, "whisper-1", 400, "The requested model 'whisper-1' is not supported with the Responses API.", "model", "model_not_found"},
		{responsesEndpoint, "gpt-4o-transcribe", 400, "The requested model 'gpt-4o-transcribe' is not supported with the Responses API.", "model", "model_not_found"},
		{responsesEndpoint, "tts-1", 400, "The requested model 'tts-1' is not supported with the Responses API.", "model", "model_not_found"},
		{responsesEndpoint, "gpt-image-1", 400, "The requested model 'gpt-image-1' is not supported with the Responses API.", "model", "model_not_found"},
		{responsesEndpoint, "gpt-image-1.5", 400, "The requested model, 'gpt-image-1.5' was not found.", "model", "model_not_found"},
		{responsesEndpoint, "dall-e-2", 400, "The requested model, 'dall-e-2' was not found.", "model", "model_not_found"},
		{responsesEndpoint, "text-embedding-3-small", 400, "The requested model, 'text-embedding-3-small' was not found.", "model", "model_not_found"},
	}
	for _, tt := range tests {
		t.Run(endpointNames[tt.endpoint]+"/"+tt.model, func(t *testing.T) {
			r := modelRequest(t, s, tt.endpoint, tt.model)
			require.Equal(t, tt.status, r.status, "body: %s", r.body)
			assert.Equal(t, "application/json", r.header.Get("Content-Type"))
			e := r.apiError(t)
			assert.Equal(t, "invalid_request_error", e["type"])
			assert.Equal(t, tt.message, e["message"])
			if tt.param == "" {
				assert.Nil(t, e["param"])
			} else {
				assert.Equal(t, tt.param, e["param"])
			}
			if tt.code == "" {
				assert.Nil(t, e["code"])
			} else {
				assert.Equal(t, tt.code, e["code"])
			}
		})
	}
}

// TestModelTableServesEachKind sends every model of the table to every
// endpoint, on the day the tables were checked and on the day after their
// last shutdown date: each endpoint serves exactly the models of its kind
// (text models on chat completions and responses) that are not shut down
// that day, and refuses the others.
func TestModelTableServesEachKind(t *testing.T) {
	last, err := time.Parse(time.DateOnly, retired.Last())
	require.NoError(t, err)
	serves := map[endpoint]modelKind{
		chatEndpoint: textKind, responsesEndpoint: textKind, embeddingsEndpoint: embeddingKind,
		imagesEndpoint: imageKind, speechEndpoint: speechKind, transcriptionsEndpoint: transcriptionKind,
	}
	for _, day := range []string{chatmodels.AsOf, last.AddDate(0, 0, 1).Format(time.DateOnly)} {
		s := newTestServer(t, WithDate(day))
		now, err := time.Parse(time.DateOnly, day)
		require.NoError(t, err)
		for _, m := range modelTable {
			for e, kind := range serves {
				t.Run(day+"/"+endpointNames[e]+"/"+m.id, func(t *testing.T) {
					r := modelRequest(t, s, e, m.id)
					if m.kind == kind && retired.Gone(m.id, now) {
						want := http.StatusNotFound
						if e == responsesEndpoint {
							want = http.StatusBadRequest
						}
						require.Equal(t, want, r.status, "a model shut down, body: %s", r.body)
						assert.Equal(t, "model_not_found", r.apiError(t)["code"])
						return
					}
					if m.kind == kind {
						require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
						return
					}
					require.Contains(t, []int{400, 403, 404}, r.status, "body: %s", r.body)
					r.apiError(t)
				})
			}
		}
	}
}

// TestReasoningModelsFromTheTable: only the table's reasoning models refuse
// max_tokens on chat completions; other names do not, whatever they look
// like, and an unknown one is then refused as unknown.
func TestReasoningModelsFromTheTable(t *testing.T) {
	s := newTestServer(t)
	tests := []struct {
		model  string
		status int
		param  string
	}{
		{"gpt-5.4", 400, "max_tokens"},
		{"gpt-5.1-mini", 400, "max_tokens"},
		{"gpt-4.1-nano", 200, ""},
		{"o3-unknown", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.model, func(t *testing.T) {
			r := postJSON(t, s, "/v1/chat/completions", map[string]any{"model": tt.model, "max_tokens": 5,
				"messages": []any{map[string]any{"role": "user", "content": "hi"}}}, authHeaders())
			require.Equal(t, tt.status, r.status, "body: %s", r.body)
			if tt.param != "" {
				assert.Equal(t, tt.param, r.apiError(t)["param"])
			}
		})
	}
}

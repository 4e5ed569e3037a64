package openaitest

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/integration/openai/chatmodels"
	"github.com/kosmo-run/kosmo/integration/openai/retired"
)

// TestModelsCarryShutdownDates: GET /v1/models and GET /v1/models/{id}
// give shutdown_date per model from the chat and media tables, null for
// the others, as the real API does. A model past its date is still listed
// (with its date), as the fake lists its whole table.
func TestModelsCarryShutdownDates(t *testing.T) {
	s := newTestServer(t)
	r := call(t, s, http.MethodGet, "/v1/models", nil, authHeaders())
	require.Equal(t, http.StatusOK, r.status)
	dates := map[string]any{}
	for _, m := range r.json(t)["data"].([]any) {
		obj := m.(map[string]any)
		require.Contains(t, obj, "shutdown_date", "every model carries the field")
		dates[obj["id"].(string)] = obj["shutdown_date"]
	}
	for _, sd := range chatmodels.Shutdowns {
		assert.Equal(t, sd.Date, dates[sd.Model], sd.Model)
	}
	cases := []struct {
		model string
		want  any
	}{
		{"gpt-4-turbo", "2026-10-23"}, {"gpt-3.5-turbo", "2026-10-23"},
		{"gpt-4o", "2027-01-14"}, {"gpt-4o-mini", "2027-01-14"},
		{"gpt-5.1", nil}, {"text-embedding-3-small", nil},
		// The media tables' dates, from the same lookup (retired.Date).
		{"tts-1", "2027-01-06"}, {"gpt-4o-mini-tts", "2027-01-06"}, {"dall-e-3", "2026-05-12"},
		{"gpt-image-1.5", "2026-12-01"}, {"gpt-image-2", nil}, {"whisper-1", nil},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, dates[tc.model], tc.model)
		one := call(t, s, http.MethodGet, "/v1/models/"+tc.model, nil, authHeaders()).json(t)
		assert.Equal(t, tc.want, one["shutdown_date"], tc.model)
	}
}

// TestShutDownModelsRefused: from its shutdown date (retired.Date) a model
// is refused at its endpoint as the API refuses a name it does not know, the
// day before it is served, and WithRetiredModels serves it after.
func TestShutDownModelsRefused(t *testing.T) {
	cases := []struct {
		endpoint endpoint
		model    string
		day      string // the shutdown date
		status   int
		message  string
	}{
		{chatEndpoint, "gpt-4o", "2027-01-14", 404, "The model `gpt-4o` does not exist or you do not have access to it."},
		{chatEndpoint, "gpt-5", "2026-12-11", 404, "The model `gpt-5` does not exist or you do not have access to it."},
		{chatEndpoint, "gpt-4.1-mini", "2027-01-14", 404, "The model `gpt-4.1-mini` does not exist or you do not have access to it."},
		{responsesEndpoint, "o3", "2026-12-11", 400, "The requested model 'o3' does not exist."},
		{imagesEndpoint, "gpt-image-1.5", "2026-12-01", 404, "The model `gpt-image-1.5` does not exist or you do not have access to it."},
		{speechEndpoint, "gpt-4o-mini-tts", "2027-01-06", 404, "The model `gpt-4o-mini-tts` does not exist or you do not have access to it."},
		{speechEndpoint, "tts-1", "2027-01-06", 404, "The model `tts-1` does not exist or you do not have access to it."},
	}
	for _, tc := range cases {
		t.Run(endpointNames[tc.endpoint]+"/"+tc.model, func(t *testing.T) {
			d, ok := retired.Date(tc.model)
			require.True(t, ok)
			require.Equal(t, tc.day, d)
			before, err := time.Parse(time.DateOnly, tc.day)
			require.NoError(t, err)
			dayBefore := before.AddDate(0, 0, -1).Format(time.DateOnly)

			r := modelRequest(t, newTestServer(t, WithDate(dayBefore)), tc.endpoint, tc.model)
			require.Equal(t, http.StatusOK, r.status, "on %s, body: %s", dayBefore, r.body)

			r = modelRequest(t, newTestServer(t, WithDate(tc.day)), tc.endpoint, tc.model)
			require.Equal(t, tc.status, r.status, "on %s, body: %s", tc.day, r.body)
			e := r.apiError(t)
			assert.Equal(t, "model_not_found", e["code"])
			assert.Equal(t, tc.message, e["message"])

			r = modelRequest(t, newTestServer(t, WithDate(tc.day), WithRetiredModels()), tc.endpoint, tc.model)
			require.Equal(t, http.StatusOK, r.status, "WithRetiredModels, body: %s", r.body)
		})
	}
}

// TestFakeDate: the day of WithDate, else of DateEnv, moves the fake's
// clock by whole days; a day that does not parse is answered with a 500
// naming it rather than ignored.
func TestFakeDate(t *testing.T) {
	t.Setenv(DateEnv, "2027-01-15")
	r := modelRequest(t, newTestServer(t), chatEndpoint, "gpt-4o")
	require.Equal(t, http.StatusNotFound, r.status, "body: %s", r.body)
	r = modelRequest(t, newTestServer(t, WithDate("2026-11-29")), chatEndpoint, "gpt-4o")
	require.Equal(t, http.StatusOK, r.status, "WithDate wins over %s, body: %s", DateEnv, r.body)
	created, err := r.json(t)["created"].(json.Number).Int64()
	require.NoError(t, err)
	assert.Equal(t, "2026-11-29", time.Unix(created, 0).UTC().Format(time.DateOnly))

	t.Setenv(DateEnv, "next tuesday")
	r = modelRequest(t, newTestServer(t), chatEndpoint, "gpt-5.1")
	require.Equal(t, http.StatusInternalServerError, r.status)
	assert.Contains(t, r.apiError(t)["message"], `KOSMO_FAKE_DATE: a date YYYY-MM-DD expected, got "next tuesday"`)
}

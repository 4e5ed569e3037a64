package openaitest

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/integration/openai/chatmodels"
)

// TestModelsCarryShutdownDates: GET /v1/models and GET /v1/models/{id}
// give shutdown_date per model from chatmodels.Shutdowns, null for the
// others, as the real API does.
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
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, dates[tc.model], tc.model)
		one := call(t, s, http.MethodGet, "/v1/models/"+tc.model, nil, authHeaders()).json(t)
		assert.Equal(t, tc.want, one["shutdown_date"], tc.model)
	}
}

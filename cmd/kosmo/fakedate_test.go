package main

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
)

// TestFakeDateFlag: kosmo fake --date answers as OpenAI does on that day:
// gpt-4o is served on 2027-01-13 and refused from its shutdown date.
func TestFakeDateFlag(t *testing.T) {
	chat := `{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}`
	tests := []struct {
		date   string
		status int
	}{
		{"2027-01-13", http.StatusOK},
		{"2027-01-14", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			f := startFake(t, t.TempDir(), "--quiet", "--date", tt.date)
			status, _ := fakeRequest(t, f, http.MethodPost, "/chat/completions", openaitest.DefaultAPIKey, chat)
			assert.Equal(t, tt.status, status)
		})
	}
}

// TestFakeDateUsage: a date that does not parse, from --date or from
// KOSMO_FAKE_DATE, is a usage error naming where it came from, before
// anything is served or run.
func TestFakeDateUsage(t *testing.T) {
	tests := []struct {
		name string
		vars map[string]string
		args []string
		want string
	}{
		{"fake --date", nil, []string{"fake", "--addr", "127.0.0.1:0", "--date", "2027-13-01"}, `--date: a date YYYY-MM-DD expected, got "2027-13-01"`},
		{"fake with the variable", map[string]string{openaitest.DateEnv: "soon"}, []string{"fake", "--addr", "127.0.0.1:0"}, `KOSMO_FAKE_DATE: a date YYYY-MM-DD expected, got "soon"`},
		{"run --fake with the variable", map[string]string{openaitest.DateEnv: "1/14/2027"}, []string{"run", "--fake", "-e", "print(1)"}, `KOSMO_FAKE_DATE: a date YYYY-MM-DD expected, got "1/14/2027"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, context.Background(), tt.vars, tt.args...)
			assert.Equal(t, ExitUsage, r.code, "stderr: %s", r.stderr)
			assert.Contains(t, r.stderr, tt.want)
			assert.NotContains(t, r.stdout, "fake OpenAI API at", "nothing is served")
		})
	}
}

// TestShutDownChatModelFromLua: a script's chat call naming gpt-4o, plain
// or streamed, fails from 2027-01-14 with OpenAI's 404 and the date kosmo
// adds; the day before it is answered.
func TestShutDownChatModelFromLua(t *testing.T) {
	src := `
local openai = app.integrations.openai
for _, stream in ipairs({ false, true }) do
  local ok, r = pcall(openai.openai_chat_completion, { model = "gpt-4o", stream = stream,
    messages = { { role = "user", content = "hi" } } })
  if ok then print("answered: " .. r.choices[1].message.content)
  else print(r.status .. " " .. r.code .. ": " .. r.message) end
end`
	p := script(t, src)
	tests := []struct {
		date, want string
	}{
		{"2027-01-13", "answered: This is a fake reply to: hi\nanswered: This is a fake reply to: hi\n"},
		{"2027-01-14", "404 model_not_found: openai_chat_completion (account default): HTTP 404 model_not_found: The model `gpt-4o` does not exist or you do not have access to it. (gpt-4o "},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			r := runCLI(t, context.Background(), map[string]string{openaitest.DateEnv: tt.date}, "run", "--fake", p)
			require.Equal(t, 0, r.code, "stderr: %s", r.stderr)
			assert.Contains(t, r.stdout, tt.want)
			if tt.date == "2027-01-14" {
				// The note goes by the fake's day, not the host's: on the
				// shutdown day the model was shut down.
				assert.Regexp(t, "^(404 model_not_found: .*\\(gpt-4o was shut down on 2027-01-14\\)\n){2}$", r.stdout)
			}
		})
	}
}

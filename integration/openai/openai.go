package openai

import (
	"encoding/json"
	"net/http"

	"github.com/kosmo-run/kosmo/integration"
)

// Name is the integration's namespace key.
const Name = "openai"

// DefaultBaseURL is the OpenAI REST API.
const DefaultBaseURL = "https://api.openai.com/v1"

// betaHeader is sent on the Assistants API calls.
const betaHeader = "assistants=v2"

// New returns the OpenAI integration with its 15 functions in
// documentation order. Each call returns a fresh value.
func New() *integration.Integration {
	fns := functions()
	for _, fn := range fns {
		fn.Today = today[fn.Name]
	}
	return &integration.Integration{
		Name:           Name,
		Title:          "OpenAI",
		DefaultBaseURL: DefaultBaseURL,
		Env: integration.EnvNames{
			APIKey:       "OPENAI_API_KEY",
			BaseURL:      "OPENAI_BASE_URL",
			Organization: "OPENAI_ORG_ID",
			Project:      "OPENAI_PROJECT_ID",
		},
		Functions:  fns,
		Today:      todayNote,
		Examples:   examples(),
		Authorize:  authorize,
		ParseError: parseError,
		Settings:   append(append(settings(), chatSettings()...), mediaSettings()...),
		Appendix:   mediaDoc(),
	}
}

// authorize adds the Bearer key and the optional organization and project.
func authorize(h http.Header, acct *integration.Account) {
	if !acct.Key.IsZero() {
		h.Set("Authorization", "Bearer "+acct.Key.Reveal())
	}
	if acct.Organization != "" {
		h.Set("OpenAI-Organization", acct.Organization)
	}
	if acct.Project != "" {
		h.Set("OpenAI-Project", acct.Project)
	}
}

// parseError reads OpenAI's error body: {"error": {message, type, param, code}}.
func parseError(resp *integration.Response) *integration.APIError {
	var body struct {
		Error *struct {
			Message string          `json:"message"`
			Type    string          `json:"type"`
			Param   json.RawMessage `json:"param"`
			Code    json.RawMessage `json:"code"`
		} `json:"error"`
	}
	if err := json.Unmarshal(resp.Body, &body); err != nil || body.Error == nil {
		return nil
	}
	return &integration.APIError{
		Message: body.Error.Message,
		Type:    body.Error.Type,
		Param:   scalar(body.Error.Param),
		Code:    scalar(body.Error.Code),
	}
}

// scalar renders a JSON string or number as text; null and others as "".
func scalar(raw json.RawMessage) string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return ""
	}
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return string(raw)
	}
	return ""
}

func examples() []integration.Example {
	return []integration.Example{
		{Title: "Chat completion", Code: `local result = app.integrations.openai.openai_chat_completion({
  model = "gpt-4o",
  messages = {
    { role = "system", content = "You are a helpful assistant." },
    { role = "user", content = "Explain quantum computing in one sentence." }
  },
  temperature = 0.7,
  max_tokens = 100
})
print(result.choices[1].message.content)`},
		{Title: "Generate an image", Code: `local result = app.integrations.openai.openai_create_image({
  model = "dall-e-3",
  prompt = "A sunset over a mountain lake in watercolor style",
  size = "1024x1024",
  quality = "hd"
})`},
		{Title: "Create an embedding", Code: `local result = app.integrations.openai.openai_create_embedding({
  model = "text-embedding-3-small",
  input = "The quick brown fox jumps over the lazy dog"
})`},
	}
}

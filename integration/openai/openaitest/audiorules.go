package openaitest

import "github.com/kosmo-run/kosmo/integration/openai/mediamodels"

// speechRules refuses what the speech table says a model does not take:
// instructions on tts-1 and tts-1-hd.
func speechRules(model string, o object) error {
	row, ok := mediamodels.LookupSpeech(model)
	if !ok {
		return nil
	}
	if o.has("instructions") && !row.Instructions {
		return invalidRequest("instructions", "unsupported_parameter",
			"Unsupported parameter: 'instructions' is not supported with this model.")
	}
	return nil
}

// transcriptionFormats are the response formats a model answers: the
// transcription table's, else the model table's.
func transcriptionFormats(model string, fallback []string) []string {
	if row, ok := mediamodels.LookupTranscription(model); ok && len(row.Formats) > 0 {
		return row.Formats
	}
	return fallback
}

// WithRemovedMediaModels serves the image, transcription and speech models
// that OpenAI has removed (dall-e-2, dall-e-3, gpt-image-1, …; the dates
// are mediamodels') as the API served them before, for tests of code
// written against them. Without it a removed model answers as the real
// API answers it today: 404 model_not_found.
func WithRemovedMediaModels() Option {
	return func(c *config) { c.oldMedia = true }
}

// gone reports whether the fake answers model as removed.
func (h *Handler) gone(model string) bool {
	return !h.cfg.oldMedia && mediamodels.Gone(model, h.cfg.now())
}

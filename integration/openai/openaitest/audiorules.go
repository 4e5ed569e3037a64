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

// Package retired answers, for any OpenAI model, whether OpenAI has shut
// it down on a given day: the one place that reads the shutdown dates of
// the chat table (chatmodels.Shutdowns) and of the media tables
// (mediamodels), so that kosmo's error notes, the fake's refusals and GET
// /v1/models agree for chat, embedding and media models alike.
package retired

import (
	"fmt"
	"time"

	"github.com/kosmo-run/kosmo/integration/openai/chatmodels"
	"github.com/kosmo-run/kosmo/integration/openai/mediamodels"
)

// Date returns the day (YYYY-MM-DD) OpenAI shuts model down or shut it
// down, false when no table announces one. No embedding model has a date
// today; the embedding functions ask here all the same.
func Date(model string) (string, bool) {
	if d, ok := chatmodels.ShutdownDate(model); ok {
		return d, true
	}
	d := mediamodels.Shutdown(model)
	return d, d != ""
}

// Gone reports whether model is shut down on OpenAI's API at now: now is
// on or after its date (both read in UTC).
func Gone(model string, now time.Time) bool {
	d, ok := Date(model)
	if !ok {
		return false
	}
	t, err := time.Parse(time.DateOnly, d)
	return err == nil && !now.UTC().Before(t)
}

// Note is what kosmo adds to the API's model_not_found answer for a model
// with a date: "dall-e-3 was shut down on 2026-05-12", "tts-1 is scheduled
// to shut down on 2027-01-06" before that day, "" for a model with none.
func Note(model string, now time.Time) string {
	d, ok := Date(model)
	switch {
	case !ok:
		return ""
	case Gone(model, now):
		return fmt.Sprintf("%s was shut down on %s", model, d)
	}
	return fmt.Sprintf("%s is scheduled to shut down on %s", model, d)
}

// Last is the latest date of every table: from the day after it, no
// model of the tables is served any more.
func Last() string {
	last := ""
	for _, s := range chatmodels.Shutdowns {
		last = max(last, s.Date)
	}
	return max(last, mediamodels.LastShutdown())
}

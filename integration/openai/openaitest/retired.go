package openaitest

import (
	"fmt"
	"time"

	"github.com/kosmo-run/kosmo/integration/openai/retired"
)

// DateEnv names the environment variable that sets the day a fake believes
// it is (YYYY-MM-DD), as [WithDate] does, for every fake made while it is
// set: KOSMO_FAKE_DATE=2027-01-15 go test ./... runs a suite against fakes
// that have shut down every model the tables date before that day. An
// option given to NewHandler ([WithClock], [WithDate]) wins over it.
const DateEnv = "KOSMO_FAKE_DATE"

// DateClock returns a clock that reads day (YYYY-MM-DD, UTC) at the time of
// day it is now: time keeps running, shifted by whole days.
func DateClock(day string) (func() time.Time, error) {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return nil, fmt.Errorf("a date YYYY-MM-DD expected, got %q", day)
	}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	shift := d.Sub(today)
	return func() time.Time { return time.Now().Add(shift) }, nil
}

// WithDate makes the fake believe it is day (YYYY-MM-DD, UTC): timestamps
// and which models are shut down follow that day, the time of day running
// on. A day that does not parse makes every request answer 500 naming it,
// rather than running on the wrong day.
func WithDate(day string) Option {
	now, err := DateClock(day)
	return func(c *config) {
		if err != nil {
			c.clockErr = fmt.Errorf("openaitest.WithDate: %w", err)
			return
		}
		c.now, c.clockErr = now, nil
	}
}

// WithRetiredModels serves the chat, embedding, image, transcription and
// speech models that OpenAI has shut down by the fake's clock (gpt-4-turbo,
// dall-e-3, …; the dates are those of chatmodels and mediamodels, see
// package retired) as the API served them before, for tests of code written
// against them. Without it such a model answers as the real API answers it
// today: 404 model_not_found (400 from the Responses API).
func WithRetiredModels() Option {
	return func(c *config) { c.retired = true }
}

// gone reports whether the fake answers model as shut down.
func (h *Handler) gone(model string) bool {
	return !h.cfg.retired && retired.Gone(model, h.cfg.now())
}

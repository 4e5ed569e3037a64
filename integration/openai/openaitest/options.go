package openaitest

import "time"

// DefaultAPIKey is the only Bearer key a fake accepts unless [WithAPIKeys]
// says otherwise.
const DefaultAPIKey = "sk-kosmo-fake-0000000000000000"

// DefaultMaxBodyBytes is the largest request body a fake reads; larger
// bodies get a 413 error. [WithMaxBodyBytes] changes it.
const DefaultMaxBodyBytes int64 = 32 << 20

// config holds what the options set; NewHandler fills in the defaults.
type config struct {
	keys        []string
	now         func() time.Time
	maxBody     int64
	maxRequests int // < 0: record every request
	legacy      bool
}

func newConfig(opts []Option) config {
	c := config{
		keys:        []string{DefaultAPIKey},
		now:         time.Now,
		maxBody:     DefaultMaxBodyBytes,
		maxRequests: -1,
	}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	return c
}

// Option configures a [Handler] (and so a [Server]).
type Option func(*config)

// WithAPIKeys replaces the accepted Bearer keys (by default only
// [DefaultAPIKey]). With no keys at all, every request is refused with 401.
func WithAPIKeys(keys ...string) Option {
	keys = append([]string(nil), keys...)
	return func(c *config) { c.keys = keys }
}

// WithClock sets the clock used for created_at, created and the other
// timestamps (default time.Now). A nil function keeps the default.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.now = now
		}
	}
}

// WithMaxBodyBytes sets the largest request body accepted (default
// [DefaultMaxBodyBytes]); a larger body is answered with 413. Values below 1
// keep the default.
func WithMaxBodyBytes(n int64) Option {
	return func(c *config) {
		if n > 0 {
			c.maxBody = n
		}
	}
}

// WithMaxRecordedRequests keeps only the n most recent requests in the log
// that [Handler.Requests] returns; n == 0 records nothing. By default every
// request is kept, which suits tests; a long-running fake should set a bound.
func WithMaxRecordedRequests(n int) Option {
	return func(c *config) {
		if n >= 0 {
			c.maxRequests = n
		}
	}
}

// WithLegacyAssistants also serves the Assistants API (POST and GET
// /v1/assistants, POST /v1/threads, POST and GET
// /v1/threads/{thread_id}/messages, POST /v1/threads/{thread_id}/runs, GET
// /v1/threads/{thread_id}/runs/{run_id}), as OpenAI did until it retired
// that API on 2026-08-26, for tests of code written against servers that
// still serve Assistants v2. Without it those paths answer as the real API
// answers them today: 404 "Invalid URL (METHOD /path)".
func WithLegacyAssistants() Option {
	return func(c *config) { c.legacy = true }
}

package openaitest

import (
	"io"
	"time"
)

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
	requestLog  *accessLog // nil: no request log
	rateLimits  RateLimits
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

// WithRequestLog writes a line to w for every request once it is answered,
// for debugging a client against the fake:
//
//	2026-11-05T09:30:00.123Z POST /v1/chat/completions 404 0.412ms req_0123…
//
// that is, the time (UTC), the method, the path without its query, the
// status ("-" if the connection was dropped without an answer, as by a
// Reset fault), the time taken and the request's x-request-id, which
// clients show in their errors. Nothing else of the request is written:
// neither its query, nor its headers (the API key is one), nor its body.
// Each line is one Write call, made under a lock that every handler
// configured with this option shares, so the lines of concurrent requests
// never interleave; w itself need not be safe for concurrent use. Write
// errors are ignored. A nil w logs nothing.
func WithRequestLog(w io.Writer) Option {
	var l *accessLog
	if w != nil {
		l = &accessLog{w: w}
	}
	return func(c *config) { c.requestLog = l }
}

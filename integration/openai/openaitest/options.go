package openaitest

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// DefaultAPIKey is the only Bearer key a fake accepts unless [WithAPIKeys]
// says otherwise.
const DefaultAPIKey = "sk-kosmo-fake-0000000000000000"

// DefaultMaxBodyBytes is the largest request body a fake reads; larger
// bodies get a 413 error. [WithMaxBodyBytes] changes it.
const DefaultMaxBodyBytes int64 = 32 << 20

// DefaultBodyIdle is how long a fake waits for the next byte of a request
// body, and DefaultBodyDeadline how long it waits for a whole body, before
// it answers 408 and drops the connection; [WithBodyTimeouts] changes them.
const (
	DefaultBodyIdle     = 10 * time.Second
	DefaultBodyDeadline = 2 * time.Minute
)

// config holds what the options set; NewHandler fills in the defaults.
type config struct {
	keys        []string
	now         func() time.Time
	maxBody     int64
	bodyIdle    time.Duration
	bodyTotal   time.Duration
	maxRecorded int // < 0: record whole bodies
	maxRequests int // < 0: record every request
	legacy      bool
	retired     bool       // WithRetiredModels
	requestLog  *accessLog // nil: no request log
	clockErr    error      // a date of WithDate or DateEnv that does not parse
	rateLimits  RateLimits
}

func newConfig(opts []Option) config {
	c := config{
		keys:        []string{DefaultAPIKey},
		now:         time.Now,
		maxBody:     DefaultMaxBodyBytes,
		bodyIdle:    DefaultBodyIdle,
		bodyTotal:   DefaultBodyDeadline,
		maxRecorded: -1,
		maxRequests: -1,
	}
	if day := os.Getenv(DateEnv); day != "" {
		WithDate(day)(&c)
		if c.clockErr != nil {
			c.clockErr = fmt.Errorf("%s: %w", DateEnv, errors.Unwrap(c.clockErr))
		}
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
// timestamps, and for which models are shut down (default time.Now, or the
// day of [DateEnv]). A nil function keeps the default.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.now, c.clockErr = now, nil
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

// WithMaxRecordedBody keeps only the first n bytes of each request body in
// the log that [Handler.Requests] returns (Request.BodySize still says how
// long it was). By default whole bodies are kept, which suits tests; a
// long-running fake should set a bound.
func WithMaxRecordedBody(n int) Option {
	return func(c *config) {
		if n >= 0 {
			c.maxRecorded = n
		}
	}
}

// WithBodyTimeouts sets how long the fake waits for the next byte of a
// request body (idle) and for the whole body (total) before it answers 408
// and drops the connection; values below 1 keep the defaults
// ([DefaultBodyIdle], [DefaultBodyDeadline]). They hold where the server
// supports read deadlines (net/http's does).
func WithBodyTimeouts(idle, total time.Duration) Option {
	return func(c *config) {
		if idle > 0 {
			c.bodyIdle = idle
		}
		if total > 0 {
			c.bodyTotal = total
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

package integration

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Defaults of the Client, matching the official OpenAI SDKs.
const (
	DefaultMaxRetries       = 2
	DefaultAttemptTimeout   = 10 * time.Minute
	DefaultMaxResponseBytes = 256 << 20
	maxRetryAfter           = 60 * time.Second
)

// Client sends requests with the retry policy shared by every integration.
// Its fields are the policy; zero values take the defaults, and tests
// replace them.
type Client struct {
	// HTTP sends one attempt; nil uses a client with sensible transport
	// limits.
	HTTP *http.Client
	// MaxRetries is the number of retries after the first attempt; negative
	// means none. Accounts may override it.
	MaxRetries int
	// AttemptTimeout bounds one attempt, headers and body included.
	AttemptTimeout time.Duration
	// MaxResponseBytes caps the body read of one response.
	MaxResponseBytes int64
	// Backoff returns the wait before retry number n (1-based) when the
	// server gave no Retry-After.
	Backoff func(n int) time.Duration
	// Sleep waits d or until ctx ends.
	Sleep func(ctx context.Context, d time.Duration) error
	// UserAgent is sent with every request.
	UserAgent string
	// Limiter, when set, paces every attempt by rate budgets.
	Limiter AttemptLimiter
}

// NewClient returns a Client with the default policy.
func NewClient() *Client {
	return &Client{
		HTTP:             &http.Client{Transport: defaultTransport()},
		MaxRetries:       DefaultMaxRetries,
		AttemptTimeout:   DefaultAttemptTimeout,
		MaxResponseBytes: DefaultMaxResponseBytes,
		Backoff:          DefaultBackoff,
		Sleep:            SleepContext,
		UserAgent:        "kosmo",
	}
}

// defaultTransport is Go's default transport with a connection pool sized
// for many scripts calling one API at once (Go keeps 2 idle connections per
// host, which halves the throughput of 64 concurrent scripts).
func defaultTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return t
}

// DefaultBackoff is 0.5 s·2ⁿ⁻¹ capped at 8 s, minus up to 25 % jitter.
func DefaultBackoff(n int) time.Duration {
	d := 500 * time.Millisecond << (n - 1)
	if n > 5 || d > 8*time.Second {
		d = 8 * time.Second
	}
	jitter := 1 - 0.25*rand.Float64()
	return time.Duration(float64(d) * jitter)
}

// SleepContext waits d, returning early with ctx's error when it ends.
func SleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// SendOptions tune one Send.
type SendOptions struct {
	// MaxRetries overrides the client's when not nil.
	MaxRetries *int
	// Timeout overrides the client's attempt timeout when non-zero.
	Timeout time.Duration
	// Idempotent requests are retried after any retryable failure; others
	// only when the server cannot have acted on them (see Retryable).
	Idempotent bool
	// Stream, when set, reads a successful answer's body as it arrives
	// (Request.Stream).
	Stream func(io.Reader) ([]byte, error)
	// Account is whose budgets the Limiter applies.
	Account *Account
}

// Send performs req (whose body is body), retrying by the policy. A response
// with any status is returned as a Response; an error means no response
// could be had (the context ended, or the transport failed on every try).
func (c *Client) Send(ctx context.Context, req *http.Request, body []byte, opts SendOptions) (*Response, error) {
	retries := c.MaxRetries
	if opts.MaxRetries != nil {
		retries = *opts.MaxRetries
	}
	for attempt := 1; ; attempt++ {
		done, err := c.acquire(ctx, req, body, opts.Account)
		if err != nil {
			return nil, &attemptsError{attempts: attempt - 1, err: err}
		}
		resp, sent, err := c.attempt(ctx, req, body, opts.Timeout, opts.Stream)
		if stopped := (*StreamStopped)(nil); resp == nil && errors.As(err, &stopped) {
			done(stopped.response())
		} else {
			done(resp)
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		retry := attempt <= retries && Retryable(resp, err, sent, opts.Idempotent)
		if !retry {
			if err != nil {
				return nil, &attemptsError{attempts: attempt, sent: sent, err: err}
			}
			resp.Attempts = attempt
			return resp, nil
		}
		wait := retryAfter(resp)
		if wait < 0 {
			wait = c.backoff(attempt)
		}
		if err := c.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// attemptsError carries the number of attempts with a transport failure,
// and whether the last attempt's request was written.
type attemptsError struct {
	attempts int
	sent     bool
	err      error
}

func (e *attemptsError) Error() string { return e.err.Error() }
func (e *attemptsError) Unwrap() error { return e.err }

// Attempts reports how many attempts an error from Send took (1 if unknown).
func Attempts(err error) int {
	var ae *attemptsError
	if errors.As(err, &ae) {
		return ae.attempts
	}
	return 1
}

// wasSent reports whether the last attempt of an error from Send had
// written its request, so that the server may have acted on it (true if
// unknown).
func wasSent(err error) bool {
	var ae *attemptsError
	if errors.As(err, &ae) {
		return ae.sent
	}
	return true
}

func (c *Client) backoff(n int) time.Duration {
	if c.Backoff != nil {
		return c.Backoff(n)
	}
	return DefaultBackoff(n)
}

func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if c.Sleep != nil {
		return c.Sleep(ctx, d)
	}
	return SleepContext(ctx, d)
}

// attempt sends one request and reads its whole answer within timeout. It
// reports whether the request's headers were written: the transport calls
// WroteHeaders from its own goroutine, which may still run when Do has
// returned, hence the atomic.
func (c *Client) attempt(ctx context.Context, req *http.Request, body []byte, timeout time.Duration, stream func(io.Reader) ([]byte, error)) (*Response, bool, error) {
	if timeout <= 0 {
		timeout = c.AttemptTimeout
	}
	if timeout <= 0 {
		timeout = DefaultAttemptTimeout
	}
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var wrote atomic.Bool
	resp, err := c.roundTrip(actx, req, body, &wrote, stream)
	if err != nil && ctx.Err() == nil && errors.Is(actx.Err(), context.DeadlineExceeded) {
		err = &attemptTimeoutError{timeout: timeout, err: err}
	}
	return resp, wrote.Load(), err
}

// attemptTimeoutError is an attempt cut short by the attempt timeout.
type attemptTimeoutError struct {
	timeout time.Duration
	err     error
}

func (e *attemptTimeoutError) Error() string {
	return fmt.Sprintf("no complete answer within the attempt timeout of %s", e.timeout)
}
func (e *attemptTimeoutError) Unwrap() error { return e.err }

// roundTrip does the HTTP exchange of one attempt under actx.
func (c *Client) roundTrip(actx context.Context, req *http.Request, body []byte, wrote *atomic.Bool, stream func(io.Reader) ([]byte, error)) (*Response, error) {
	trace := &httptrace.ClientTrace{WroteHeaders: func() { wrote.Store(true) }}
	r := req.Clone(httptrace.WithClientTrace(actx, trace))
	if body != nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	if c.UserAgent != "" && r.Header.Get("User-Agent") == "" {
		r.Header.Set("User-Agent", c.UserAgent)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	if hc.CheckRedirect == nil {
		// An API call is never redirected: Go would follow a redirect
		// to another port or from https to http with the key.
		noRedirects := *hc
		noRedirects.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		hc = &noRedirects
	}
	hr, err := hc.Do(r)
	if err != nil {
		return nil, err
	}
	wrote.Store(true) // an answer came, so the request was sent
	defer hr.Body.Close()
	limit := c.MaxResponseBytes
	if limit <= 0 {
		limit = DefaultMaxResponseBytes
	}
	if stream != nil && hr.StatusCode < 300 {
		return streamBody(hr, limit, stream)
	}
	if hr.ContentLength > limit {
		return nil, &ResponseTooLargeError{Status: hr.StatusCode, Limit: limit, RequestID: hr.Header.Get("x-request-id")}
	}
	data, err := readAll(io.LimitReader(hr.Body, limit+1), hr.ContentLength)
	if err != nil {
		return nil, fmt.Errorf("reading response body: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, &ResponseTooLargeError{Status: hr.StatusCode, Limit: limit, RequestID: hr.Header.Get("x-request-id")}
	}
	return &Response{Status: hr.StatusCode, Header: hr.Header, Body: data}, nil
}

// readAll is io.ReadAll into a buffer of the size announced (when size is
// not negative), so that an answer of known length is read without growing
// the buffer.
func readAll(r io.Reader, size int64) ([]byte, error) {
	if size < 0 {
		return io.ReadAll(r)
	}
	data := make([]byte, 0, size+1) // +1: the read that sees the end
	for {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		n, err := r.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return data, err
		}
	}
}

// Retryable is the retry rule, used both to decide a retry and for the
// Retryable field of the final error. The server's x-should-retry header
// wins. Otherwise 408, 409, 429 and 5xx responses and transport failures
// (connection refused or reset, attempt timeout, truncated body) are retried
// for idempotent requests: reads, and writes that store nothing. A request
// that may create something (not idempotent) is retried only when the server
// cannot have acted on it: 408, 409, 429 and 503 responses, or a connection
// that failed before the request was written. An answer larger than the
// size cap, a cancelled context and any other status are never retried.
func Retryable(resp *Response, err error, sent, idempotent bool) bool {
	if err != nil {
		var tooLarge *ResponseTooLargeError
		var stopped *StreamStopped
		if errors.Is(err, context.Canceled) || errors.As(err, &tooLarge) || errors.As(err, &stopped) {
			return false
		}
		return idempotent || !sent
	}
	if resp.Status < 400 {
		return false
	}
	switch resp.Header.Get("x-should-retry") {
	case "true":
		return true
	case "false":
		return false
	}
	switch s := resp.Status; {
	case s == 408, s == 409, s == 429, s == 503:
		return true
	case s >= 500:
		return idempotent
	}
	return false
}

// retryAfter reads retry-after-ms or Retry-After (seconds or HTTP date); it
// returns -1 when absent, unparsable or beyond a minute.
func retryAfter(resp *Response) time.Duration {
	if resp == nil {
		return -1
	}
	if v := resp.Header.Get("retry-after-ms"); v != "" {
		if ms, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
			return capRetryAfter(time.Duration(ms * float64(time.Millisecond)))
		}
	}
	v := strings.TrimSpace(resp.Header.Get("Retry-After"))
	if v == "" {
		return -1
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		return capRetryAfter(time.Duration(s * float64(time.Second)))
	}
	if t, err := http.ParseTime(v); err == nil {
		return capRetryAfter(time.Until(t))
	}
	return -1
}

func capRetryAfter(d time.Duration) time.Duration {
	if d < 0 || d > maxRetryAfter {
		return -1
	}
	return d
}

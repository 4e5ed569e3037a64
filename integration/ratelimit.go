package integration

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// RateLimits are an account's budgets per model, from its config; zero
// fields are unset (learned from the provider's x-ratelimit-* headers, or
// no budget).
type RateLimits struct {
	// RPM is requests per minute, TPM tokens per minute.
	RPM, TPM int
}

// AttemptLimiter paces a Client's attempts by rate budgets shared by every
// call of the process (or of several hosts).
type AttemptLimiter interface {
	// Acquire waits for the share of one attempt of req (whose body is
	// body) through acct, and returns what to call with the attempt's
	// answer (nil when none came). An error means the attempt must not be
	// sent: a *RateLimitedError when no share can be had in time, or the
	// context's error.
	Acquire(ctx context.Context, acct *Account, req *http.Request, body []byte) (func(*Response), error)
}

// TypeRateLimited is the error type (APIError.Type and Code, err.type in
// Lua) of a call that could not get its share of a rate budget in time and
// was not sent.
const TypeRateLimited = "rate_limited"

// RateLimitedError is an attempt refused before sending: its budget's next
// share comes after the context ends.
type RateLimitedError struct {
	// Budget names the budget, e.g. "gpt-4o requests per minute".
	Budget string
	// Wait is how long the attempt would have had to wait.
	Wait time.Duration
	// Left is the time the context had left.
	Left time.Duration
}

// Error implements error.
func (e *RateLimitedError) Error() string {
	return fmt.Sprintf("not sent: its share of the rate budget (%s) comes in %s, after the script's time limit (in %s)",
		e.Budget, e.Wait.Round(time.Millisecond), e.Left.Round(time.Millisecond))
}

// acquire asks the client's limiter, if any, for an attempt's share.
func (c *Client) acquire(ctx context.Context, req *http.Request, body []byte, acct *Account) (func(*Response), error) {
	if c.Limiter == nil || acct == nil {
		return func(*Response) {}, nil
	}
	return c.Limiter.Acquire(ctx, acct, req, body)
}

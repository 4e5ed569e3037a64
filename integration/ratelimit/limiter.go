package ratelimit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kosmo-run/kosmo/integration"
)

// Limiter is an integration.AttemptLimiter: it makes every attempt of a
// request that names a model wait for its shares of the account's budgets
// for that model, one for the request and the estimated tokens for the
// tokens budget. Budgets come from the account's RateLimits, else from the
// x-ratelimit-limit-* headers of the last answer (the lower of the two
// when both say); a request with neither is sent at once. A 429, or an answer saying a budget is spent
// (x-ratelimit-remaining-* of 0), pauses the budget for every caller until
// the provider's retry-after or reset.
//
// Budgets are keyed by a digest of the account's key, organization and
// project (what the provider limits by), never by the key itself, so that
// hosts that name an account differently still share its budget.
type Limiter struct {
	buckets Buckets
	// MaxWait bounds one wait for shares besides the context; 0 means
	// only the context bounds it.
	MaxWait time.Duration

	mu      sync.Mutex
	learned map[string]integration.RateLimits
	lines   map[string]*line

	stats stats
}

// stats are the counters Stats reports.
type stats struct {
	waited, refused, throttled atomic.Int64
	longest                    atomic.Int64 // nanoseconds
	estimated, used            atomic.Int64
}

// Stats are what a Limiter did so far.
type Stats struct {
	// Waited counts the attempts that waited for a share, Refused the
	// attempts not sent for want of one, Throttled the 429 answers seen.
	Waited, Refused, Throttled int64
	// LongestWait is the longest time an attempt waited.
	LongestWait time.Duration
	// Estimated and Used sum the tokens estimated before sending and
	// those the answers' usage reported, over the answers that had one.
	Estimated, Used int64
}

// New returns a Limiter keeping its budgets in buckets (NewMemory() for
// one process, OpenRedis for several hosts).
func New(buckets Buckets) *Limiter {
	return &Limiter{buckets: buckets, learned: map[string]integration.RateLimits{}, lines: map[string]*line{}}
}

// Stats returns the counters so far.
func (l *Limiter) Stats() Stats {
	return Stats{Waited: l.stats.waited.Load(), Refused: l.stats.refused.Load(), Throttled: l.stats.throttled.Load(),
		LongestWait: time.Duration(l.stats.longest.Load()), Estimated: l.stats.estimated.Load(), Used: l.stats.used.Load()}
}

// budgetKey names the budgets of acct's calls to model.
func budgetKey(acct *integration.Account, model string) string {
	h := sha256.New()
	for _, s := range []string{acct.Key.Reveal(), acct.Organization, acct.Project} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:12]) + ":" + model
}

// limits returns the budgets of key: the account's, each lowered to (or,
// when unset, taken from) what the provider said it is.
func (l *Limiter) limits(acct *integration.Account, key string) integration.RateLimits {
	l.mu.Lock()
	learned := l.learned[key]
	l.mu.Unlock()
	lim := acct.RateLimits
	if learned.RPM > 0 && (lim.RPM <= 0 || learned.RPM < lim.RPM) {
		lim.RPM = learned.RPM
	}
	if learned.TPM > 0 && (lim.TPM <= 0 || learned.TPM < lim.TPM) {
		lim.TPM = learned.TPM
	}
	return lim
}

// Buckets of a budget. A burst of half a second's share leaves room for
// the jitter between taking a share and the provider counting the request
// (the provider enforces its per-minute limits over about a second); a
// request larger than that may still go, alone.
func requestBucket(rpm int) Bucket  { return Bucket{Rate: rpm, Burst: max(rpm/120, 1)} }
func tokenBucket(tpm, n int) Bucket { return Bucket{Rate: tpm, Burst: max(tpm/120, n, 1)} }

// Acquire implements integration.AttemptLimiter.
func (l *Limiter) Acquire(ctx context.Context, acct *integration.Account, req *http.Request, body []byte) (func(*integration.Response), error) {
	if req.Method != http.MethodPost {
		return func(*integration.Response) {}, nil
	}
	model, tokens := Estimate(req.Header.Get("Content-Type"), body)
	if model == "" {
		return func(*integration.Response) {}, nil
	}
	key := budgetKey(acct, model)
	lim := l.limits(acct, key)
	start := time.Now()
	if err := l.inLine(ctx, model, key,
		func() (bool, error) { return l.tryTake(ctx, key, lim, tokens) },
		func() error { return l.await(ctx, model, key, lim, tokens) }); err != nil {
		return nil, err
	}
	if waited := time.Since(start); waited > time.Millisecond {
		l.stats.waited.Add(1)
		for {
			old := l.stats.longest.Load()
			if int64(waited) <= old || l.stats.longest.CompareAndSwap(old, int64(waited)) {
				break
			}
		}
	}
	charged := 0
	if lim.TPM > 0 {
		charged = tokens
	}
	return func(resp *integration.Response) { l.observe(ctx, acct, key, lim, charged, resp) }, nil
}

// line is the queue of the callers waiting for shares of one budget. Its
// token is held by the caller taking shares; the others wait for it in
// the order they came (a channel's waiters are served first come, first
// served).
type line struct {
	token   chan struct{}
	waiting atomic.Int64
}

// inLine runs take. While no caller of the budget key waits, take runs at
// once, and when it finds the shares there that is all; a caller that
// must wait, or that finds others waiting, joins the line, so that within
// a process shares go in the order the calls came and no call waits much
// longer than the queue (among hosts, each host's first in line competes
// for the next share). tryTake takes the shares if they are there without
// waiting, and reports whether it did.
func (l *Limiter) inLine(ctx context.Context, model, key string, tryTake func() (bool, error), take func() error) error {
	l.mu.Lock()
	ln := l.lines[key]
	if ln == nil {
		ln = &line{token: make(chan struct{}, 1)}
		ln.token <- struct{}{}
		l.lines[key] = ln
	}
	l.mu.Unlock()
	if ln.waiting.Load() == 0 {
		if ok, err := tryTake(); ok || err != nil {
			return err
		}
	}
	ln.waiting.Add(1)
	defer ln.waiting.Add(-1)
	start := time.Now()
	select {
	case <-ln.token:
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			l.stats.refused.Add(1)
			return &integration.RateLimitedError{Budget: model + ", waiting in line", Wait: time.Since(start)}
		}
		return ctx.Err()
	}
	defer func() { ln.token <- struct{}{} }()
	return take()
}

// tryTake takes the tokens and the request when both are there and the
// budget is not paused, and reports whether it did; it never waits.
func (l *Limiter) tryTake(ctx context.Context, key string, lim integration.RateLimits, tokens int) (bool, error) {
	if d, err := l.buckets.Paused(ctx, key); err != nil || d > 0 {
		return false, err
	}
	tookTokens := false
	if lim.TPM > 0 && tokens > 0 {
		if d, err := l.buckets.Take(ctx, key+":tpm", tokenBucket(lim.TPM, tokens), tokens); err != nil || d > 0 {
			return false, err
		}
		tookTokens = true
	}
	if lim.RPM > 0 {
		if d, err := l.buckets.Take(ctx, key+":rpm", requestBucket(lim.RPM), 1); err != nil || d > 0 {
			if tookTokens {
				_ = l.buckets.Charge(context.WithoutCancel(ctx), key+":tpm", tokenBucket(lim.TPM, tokens), -tokens)
			}
			return false, err
		}
	}
	return true, nil
}

// await waits until the budget is not paused, then takes the tokens, then
// the request.
func (l *Limiter) await(ctx context.Context, model, key string, lim integration.RateLimits, tokens int) error {
	if err := l.wait(ctx, model+" (paused by the provider)", func() (time.Duration, error) {
		return l.buckets.Paused(ctx, key)
	}); err != nil {
		return err
	}
	if lim.TPM > 0 && tokens > 0 {
		if err := l.wait(ctx, model+" tokens per minute", func() (time.Duration, error) {
			return l.buckets.Take(ctx, key+":tpm", tokenBucket(lim.TPM, tokens), tokens)
		}); err != nil {
			return err
		}
	}
	if lim.RPM > 0 {
		if err := l.wait(ctx, model+" requests per minute", func() (time.Duration, error) {
			return l.buckets.Take(ctx, key+":rpm", requestBucket(lim.RPM), 1)
		}); err != nil {
			if lim.TPM > 0 && tokens > 0 {
				_ = l.buckets.Charge(context.WithoutCancel(ctx), key+":tpm", tokenBucket(lim.TPM, tokens), -tokens)
			}
			return err
		}
	}
	return nil
}

// wait calls try until it says no wait is needed, sleeping what it says
// in between; it gives up with a *integration.RateLimitedError as soon as
// a wait would end after the context (or MaxWait).
func (l *Limiter) wait(ctx context.Context, budget string, try func() (time.Duration, error)) error {
	start := time.Now()
	for {
		d, err := try()
		if err != nil || d <= 0 {
			return err
		}
		left := time.Duration(1<<63 - 1)
		if deadline, ok := ctx.Deadline(); ok {
			left = time.Until(deadline)
		}
		if l.MaxWait > 0 {
			left = min(left, l.MaxWait-time.Since(start))
		}
		if d > left {
			l.stats.refused.Add(1)
			return &integration.RateLimitedError{Budget: budget, Wait: time.Since(start) + d, Left: max(left, 0)}
		}
		if err := integration.SleepContext(ctx, d); err != nil {
			return err
		}
	}
}

// observe learns from an answer: the budgets it reports, a pause when it
// is a 429 or says a budget is spent, and the tokens it used in place of
// the estimate charged.
func (l *Limiter) observe(ctx context.Context, acct *integration.Account, key string, lim integration.RateLimits, charged int, resp *integration.Response) {
	if resp == nil {
		return
	}
	ctx = context.WithoutCancel(ctx)
	h := resp.Header
	learned := integration.RateLimits{RPM: headerInt(h, "X-Ratelimit-Limit-Requests"), TPM: headerInt(h, "X-Ratelimit-Limit-Tokens")}
	if learned.RPM > 0 || learned.TPM > 0 {
		l.mu.Lock()
		old := l.learned[key]
		if learned.RPM <= 0 {
			learned.RPM = old.RPM
		}
		if learned.TPM <= 0 {
			learned.TPM = old.TPM
		}
		l.learned[key] = learned
		l.mu.Unlock()
	}
	var pause time.Duration
	if resp.Status == http.StatusTooManyRequests {
		l.stats.throttled.Add(1)
		pause = retryAfter(h)
	}
	// The header names are written canonical, so that reading them
	// allocates nothing.
	for _, kind := range [...]struct{ remaining, reset string }{
		{"X-Ratelimit-Remaining-Requests", "X-Ratelimit-Reset-Requests"},
		{"X-Ratelimit-Remaining-Tokens", "X-Ratelimit-Reset-Tokens"},
	} {
		if h.Get(kind.remaining) == "0" {
			pause = max(pause, parseReset(h.Get(kind.reset)))
		}
	}
	if pause > 0 {
		_ = l.buckets.Pause(ctx, key, pause)
	}
	if charged > 0 {
		used, ok := Usage(resp.Body)
		if ok {
			l.stats.estimated.Add(int64(charged))
			l.stats.used.Add(int64(used))
		}
		if ok && used != charged {
			_ = l.buckets.Charge(ctx, key+":tpm", tokenBucket(lim.TPM, charged), used-charged)
		} else if !ok && resp.Status >= 400 {
			// A refused request used no tokens.
			_ = l.buckets.Charge(ctx, key+":tpm", tokenBucket(lim.TPM, charged), -charged)
		}
	}
}

func headerInt(h http.Header, name string) int {
	n, err := strconv.Atoi(strings.TrimSpace(h.Get(name)))
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// retryAfter reads retry-after-ms or Retry-After in seconds; 1 s when
// absent (a 429 pauses the budget at least that long).
func retryAfter(h http.Header) time.Duration {
	if v := h.Get("Retry-After-Ms"); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 {
			return min(time.Duration(ms*float64(time.Millisecond)), time.Minute)
		}
	}
	if s, err := strconv.ParseFloat(h.Get("Retry-After"), 64); err == nil && s > 0 {
		return min(time.Duration(s*float64(time.Second)), time.Minute)
	}
	return time.Second
}

// parseReset reads an x-ratelimit-reset-* value, a duration such as "1s",
// "6m0s" or "17ms"; 0 when unparsable; at most a minute.
func parseReset(v string) time.Duration {
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil || d < 0 {
		return 0
	}
	return min(d, time.Minute)
}

package openaitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/kosmo-run/kosmo/integration/ratelimit"
)

// RateLimits are budgets per minute that a fake enforces for each API key
// and model, as OpenAI does: requests (RPM) and tokens (TPM). Zero fields
// are not enforced.
type RateLimits struct {
	RPM, TPM int
}

// Budgets a fake reports in its x-ratelimit-* headers when none is
// enforced: large enough that no test meets them.
const (
	unlimitedRPM = 1_000_000
	unlimitedTPM = 1_000_000_000
)

// WithRateLimits makes the fake enforce limits for every key and model:
// a request that finds its budget spent is answered 429
// rate_limit_exceeded with OpenAI's body and headers, and counts for
// nothing. Budgets are GCRA buckets that hold a second's share (OpenAI
// enforces per-minute limits over shorter periods); tokens are counted as
// the prompt's tokens when the request comes and corrected to the answer's
// usage when it is sent. Every answer to a request naming a model carries
// the x-ratelimit-{limit,remaining,reset}-{requests,tokens} headers,
// enforced or not.
func WithRateLimits(l RateLimits) Option {
	return func(c *config) { c.rateLimits = l }
}

// rateBudgets are a fake's budgets.
type rateBudgets struct {
	limits  RateLimits
	buckets *ratelimit.Memory
	refused atomic.Int64
}

// RateLimited returns how many requests were answered 429 because their
// budget was spent (see [WithRateLimits]).
func (h *Handler) RateLimited() int64 { return h.rate.refused.Load() }

// RateLimited returns how many requests were answered 429 because their
// budget was spent (see [WithRateLimits]).
func (s *Server) RateLimited() int64 { return s.handler.RateLimited() }

func newRateBudgets(l RateLimits) *rateBudgets {
	return &rateBudgets{limits: l, buckets: ratelimit.NewMemory()}
}

// bucketsOf returns the request and token buckets of every budget: the
// limits enforced, or the unlimited ones reported.
func (b *rateBudgets) bucketsOf() (req, tok ratelimit.Bucket) {
	rpm, tpm := b.limits.RPM, b.limits.TPM
	if rpm <= 0 {
		rpm = unlimitedRPM
	}
	if tpm <= 0 {
		tpm = unlimitedTPM
	}
	return ratelimit.Bucket{Rate: rpm, Burst: max(rpm/60, 1)}, ratelimit.Bucket{Rate: tpm, Burst: max(tpm/60, 1)}
}

// admit counts a request against its budgets. It answers a request over
// budget itself (429) and returns ok false; otherwise it sets the
// x-ratelimit-* headers and returns the writer to answer through and what
// to call once answered.
func (b *rateBudgets) admit(w http.ResponseWriter, r *http.Request, body []byte) (http.ResponseWriter, func(), bool) {
	model, prompt := promptTokens(r, body)
	if model == "" {
		return w, func() {}, true
	}
	_, key, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	key = strings.TrimSpace(key) + "\x00" + model
	reqB, tokB := b.bucketsOf()
	ctx := r.Context()

	wait, _ := b.buckets.Take(ctx, key+":rpm", reqB, boolInt(b.limits.RPM > 0))
	kind, limit, requested := "requests", reqB.Rate, 1
	if wait == 0 && b.limits.TPM > 0 {
		if wait, _ = b.buckets.Take(ctx, key+":tpm", tokB, prompt); wait > 0 {
			kind, limit, requested = "tokens", tokB.Rate, prompt
			_ = b.buckets.Charge(ctx, key+":rpm", reqB, -boolInt(b.limits.RPM > 0))
		}
	} else if wait == 0 {
		_ = b.buckets.Charge(ctx, key+":tpm", tokB, prompt)
	}
	b.setHeaders(w.Header(), key, reqB, tokB)
	if wait > 0 {
		b.refused.Add(1)
		remaining, _ := b.buckets.State(key+":"+map[string]string{"requests": "rpm", "tokens": "tpm"}[kind], ratelimit.Bucket{Rate: limit})
		abbrev := map[string]string{"requests": "requests per min (RPM)", "tokens": "tokens per min (TPM)"}[kind]
		ms := int(math.Ceil(float64(wait) / float64(time.Millisecond)))
		writeError(w, &apiError{
			status: http.StatusTooManyRequests,
			message: fmt.Sprintf("Rate limit reached for %s in organization org-kosmofake on %s: Limit %d, Used %d, Requested %d. "+
				"Please try again in %dms. Visit https://platform.openai.com/account/rate-limits to learn more.",
				model, abbrev, limit, limit-remaining, requested, ms),
			typ:  kind,
			code: "rate_limit_exceeded",
			header: map[string]string{
				"retry-after-ms": strconv.Itoa(ms),
				"retry-after":    strconv.Itoa(int(math.Ceil(float64(ms) / 1000))),
			},
		})
		return nil, nil, false
	}
	tw := &usageRecorder{ResponseWriter: w}
	return tw, func() {
		if used, ok := ratelimit.Usage(tw.body.Bytes()); ok && !tw.overflow {
			_ = b.buckets.Charge(ctx, key+":tpm", tokB, used-prompt)
		}
	}, true
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// setHeaders sets OpenAI's x-ratelimit-* headers from the state of the
// buckets of key.
func (b *rateBudgets) setHeaders(h http.Header, key string, reqB, tokB ratelimit.Bucket) {
	for _, s := range []struct {
		kind, suffix string
		bucket       ratelimit.Bucket
	}{{"requests", ":rpm", reqB}, {"tokens", ":tpm", tokB}} {
		remaining, reset := b.buckets.State(key+s.suffix, s.bucket)
		h.Set("x-ratelimit-limit-"+s.kind, strconv.Itoa(s.bucket.Rate))
		h.Set("x-ratelimit-remaining-"+s.kind, strconv.Itoa(remaining))
		h.Set("x-ratelimit-reset-"+s.kind, reset.Round(time.Millisecond).String())
	}
}

// promptTokens reads the model a JSON request names and the tokens of its
// prompt by the fake's tokenizer: the text of messages, input,
// instructions and prompt.
func promptTokens(r *http.Request, body []byte) (model string, tokens int) {
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		return "", 0
	}
	var req struct {
		Model        string `json:"model"`
		Messages     any    `json:"messages"`
		Input        any    `json:"input"`
		Instructions any    `json:"instructions"`
		Prompt       any    `json:"prompt"`
	}
	if json.Unmarshal(body, &req) != nil {
		return "", 0
	}
	for _, v := range []any{req.Messages, req.Input, req.Instructions, req.Prompt} {
		tokens += textTokens(v)
	}
	return req.Model, tokens
}

// textTokens counts the tokens of the strings in a JSON value, keys and
// token-id arrays aside (each id is one token).
func textTokens(v any) int {
	switch v := v.(type) {
	case string:
		return CountTokens(v)
	case float64:
		return 1
	case []any:
		n := 0
		for _, e := range v {
			n += textTokens(e)
		}
		return n
	case map[string]any:
		n := 0
		for k, e := range v {
			if k != "role" && k != "type" {
				n += textTokens(e)
			}
		}
		return n
	}
	return 0
}

// maxUsageBody is the most of an answer a usageRecorder keeps.
const maxUsageBody = 1 << 20

// usageRecorder keeps the start of an answer, to read its usage.
type usageRecorder struct {
	http.ResponseWriter
	body     bytes.Buffer
	overflow bool
}

func (u *usageRecorder) Write(p []byte) (int, error) {
	if u.body.Len()+len(p) <= maxUsageBody {
		u.body.Write(p)
	} else {
		u.overflow = true
	}
	return u.ResponseWriter.Write(p)
}

func (u *usageRecorder) Unwrap() http.ResponseWriter { return u.ResponseWriter }

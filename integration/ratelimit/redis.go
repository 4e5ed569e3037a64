package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"

	"github.com/kosmo-run/kosmo/internal/secreturl"
)

// Redis is the Buckets of several hosts: GCRA in Redis
// (github.com/go-redis/redis_rate), so that every host calling through an
// account takes its shares from one budget.
type Redis struct {
	rdb     *redis.Client
	limiter *redis_rate.Limiter
}

// keyPrefix starts every key kosmo keeps in Redis.
const keyPrefix = "kosmo:ratelimit:"

// OpenRedis connects to the Redis at rawURL (redis:// or rediss://) and
// checks that it answers. Errors show the URL without its password.
func OpenRedis(ctx context.Context, rawURL string) (*Redis, error) {
	shown := RedactURL(rawURL)
	opts, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("rate_limit_store %s: not a valid Redis URL (redis://host:port/db expected)", shown)
	}
	rdb := redis.NewClient(opts)
	// go-redis bounds a read by its own timeouts, not by ctx ending: the
	// ping runs aside so that an interrupt stops waiting at once.
	pinged := make(chan error, 1)
	go func() { pinged <- rdb.Ping(ctx).Err() }()
	select {
	case err = <-pinged:
	case <-ctx.Done():
		err = context.Cause(ctx)
	}
	if err != nil {
		_ = rdb.Close()
		if ctx.Err() != nil {
			return nil, fmt.Errorf("rate_limit_store %s: %w", shown, ctx.Err())
		}
		return nil, fmt.Errorf("rate_limit_store %s: %w", shown, errors.New(scrubURL(err.Error(), rawURL)))
	}
	return &Redis{rdb: rdb, limiter: redis_rate.NewLimiter(rdb)}, nil
}

// Close closes the connections.
func (r *Redis) Close() error { return r.rdb.Close() }

// Take implements Buckets with redis_rate's AllowN.
func (r *Redis) Take(ctx context.Context, key string, b Bucket, n int) (time.Duration, error) {
	if b.Rate <= 0 {
		return 0, nil
	}
	limit := redis_rate.Limit{Rate: b.Rate, Period: time.Minute, Burst: max(b.Burst, 1)}
	start := time.Now()
	res, err := r.limiter.AllowN(ctx, keyPrefix+key, limit, n)
	if err != nil {
		return 0, fmt.Errorf("rate_limit_store: %w", err)
	}
	if n < 0 && res.ResetAfter < 0 {
		return 0, r.giveBackToNow(ctx, key, limit, n, res, time.Since(start))
	}
	if res.Allowed == 0 && n > 0 {
		return max(res.RetryAfter, time.Millisecond), nil
	}
	return 0, nil
}

// giveBackToNow gives back what is left to give when a give-back of n
// (< 0) would have ended in the past, which AllowN does not keep (res is
// its answer, rtt how long it took). The bucket is then full but for a few
// shares: one, and the slack that covers the time the clock moves on
// before the next request reaches Redis (at least 10 ms, or four round
// trips); a give-back that still ends in the past is tried again with
// twice the slack, so that none is lost on a slow link.
func (r *Redis) giveBackToNow(ctx context.Context, key string, limit redis_rate.Limit, n int, res *redis_rate.Result, rtt time.Duration) error {
	interval := time.Minute / time.Duration(limit.Rate)
	slack := max(10*time.Millisecond, 4*rtt)
	for range 4 {
		left := n + int(-res.ResetAfter/interval) + 1 + int(slack/interval)
		if left >= 0 {
			return nil
		}
		var err error
		if res, err = r.limiter.AllowN(ctx, keyPrefix+key, limit, left); err != nil {
			return fmt.Errorf("rate_limit_store: %w", err)
		}
		if res.ResetAfter >= 0 {
			return nil
		}
		n, slack = left, 2*slack
	}
	return nil
}

// Charge implements Buckets: AllowAtMost for a debit (as much as the
// bucket holds), AllowN for a give-back. A give-back larger than what the
// bucket lacks is cut to whole shares that keep the bucket's time ahead
// of now (redis_rate keeps none before it), so that it leaves the bucket
// full but for less than one share.
func (r *Redis) Charge(ctx context.Context, key string, b Bucket, n int) error {
	if b.Rate <= 0 || n == 0 {
		return nil
	}
	if n < 0 {
		_, err := r.Take(ctx, key, b, n)
		return err
	}
	limit := redis_rate.Limit{Rate: b.Rate, Period: time.Minute, Burst: max(b.Burst, 1)}
	if _, err := r.limiter.AllowAtMost(ctx, keyPrefix+key, limit, n); err != nil {
		return fmt.Errorf("rate_limit_store: %w", err)
	}
	return nil
}

// Pause implements Buckets: a key with the pause's time to live, extended
// only (PX with GT).
func (r *Redis) Pause(ctx context.Context, key string, d time.Duration) error {
	k := keyPrefix + key + ":paused"
	if err := r.rdb.SetNX(ctx, k, 1, d).Err(); err != nil {
		return fmt.Errorf("rate_limit_store: %w", err)
	}
	if err := r.rdb.Do(ctx, "PEXPIRE", k, d.Milliseconds(), "GT").Err(); err != nil {
		return fmt.Errorf("rate_limit_store: %w", err)
	}
	return nil
}

// Paused implements Buckets.
func (r *Redis) Paused(ctx context.Context, key string) (time.Duration, error) {
	d, err := r.rdb.PTTL(ctx, keyPrefix+key+":paused").Result()
	if err != nil {
		return 0, fmt.Errorf("rate_limit_store: %w", err)
	}
	return max(d, 0), nil
}

// RedactURL returns rawURL with its password, and any password query
// parameter, replaced by "xxxxx"; a value that does not parse shows only
// its scheme.
func RedactURL(rawURL string) string { return secreturl.Redact(rawURL) }

// scrubURL removes the passwords of rawURL from msg.
func scrubURL(msg, rawURL string) string {
	for _, pw := range secreturl.Passwords(rawURL) {
		msg = strings.ReplaceAll(msg, pw, "xxxxx")
	}
	return msg
}

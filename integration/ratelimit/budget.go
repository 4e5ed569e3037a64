// Package ratelimit keeps the rate budgets of the accounts a host calls
// through: per account and model, requests and tokens per minute, from the
// account's config (rate_limits) or learned from the x-ratelimit-* headers
// the provider sends. A call waits for its share before it is sent, and
// gives up, unsent, when the share comes after its context ends.
//
// The budgets live in a Buckets: Memory for one process (shared by every
// VM of the host), Redis for several hosts. Both are GCRA (the generic cell
// rate algorithm): a bucket is one timestamp, the theoretical arrival time
// of the next share, which a take moves forward by the share's cost.
package ratelimit

import (
	"context"
	"sync"
	"time"
)

// Bucket is one budget's rate: Rate shares per minute, of which up to
// Burst may be taken at once.
type Bucket struct {
	Rate, Burst int
}

// Buckets keeps GCRA budgets by key. Implementations are safe for
// concurrent use.
type Buckets interface {
	// Take takes n shares of the bucket key when they are there, and
	// returns 0; otherwise it takes nothing and returns how long until
	// they are. A negative n gives shares back.
	Take(ctx context.Context, key string, b Bucket, n int) (time.Duration, error)
	// Charge takes n shares whether they are there or not (on Redis, as
	// many as are there): a correction after the fact. A negative n
	// gives shares back.
	Charge(ctx context.Context, key string, b Bucket, n int) error
	// Pause holds every take of key for d (a 429 or an exhausted budget
	// the provider reported); a shorter pause than one under way changes
	// nothing.
	Pause(ctx context.Context, key string, d time.Duration) error
	// Paused returns how long key stays paused (0 when it is not).
	Paused(ctx context.Context, key string) (time.Duration, error)
}

// Memory is the Buckets of one process.
//
// It is a GCRA of its own rather than golang.org/x/time/rate so that one
// process and a fleet on Redis (github.com/go-redis/redis_rate, GCRA) pace
// calls the same way, and because correcting a budget from the answer's
// usage needs shares given back after they were used, which x/time/rate's
// reservations cannot do.
type Memory struct {
	now    func() time.Time
	mu     sync.Mutex
	tat    map[string]time.Time
	paused map[string]time.Time
}

// NewMemory returns empty in-process buckets.
func NewMemory() *Memory {
	return &Memory{now: time.Now, tat: map[string]time.Time{}, paused: map[string]time.Time{}}
}

// Take implements Buckets, with the arithmetic of redis_rate's AllowN.
func (m *Memory) Take(_ context.Context, key string, b Bucket, n int) (time.Duration, error) {
	if b.Rate <= 0 {
		return 0, nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.take(key, b, n, false), nil
}

// Charge implements Buckets.
func (m *Memory) Charge(_ context.Context, key string, b Bucket, n int) error {
	if b.Rate <= 0 {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.take(key, b, n, true)
	return nil
}

// State returns how many shares of bucket key are left (of b.Rate, the
// budget of a minute) and how long until all are back: what the
// x-ratelimit-remaining-* and x-ratelimit-reset-* headers report.
func (m *Memory) State(key string, b Bucket) (remaining int, reset time.Duration) {
	if b.Rate <= 0 {
		return 0, 0
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	backlog := max(m.tat[key].Sub(m.now()), 0)
	interval := time.Minute / time.Duration(b.Rate)
	used := int((backlog + interval - 1) / interval)
	return max(b.Rate-used, 0), backlog
}

// take moves bucket key by n shares when they are there or force is set,
// and returns 0; otherwise how long until they are. m.mu is held.
func (m *Memory) take(key string, b Bucket, n int, force bool) time.Duration {
	now := m.now()
	interval := time.Minute / time.Duration(b.Rate)
	tat := m.tat[key]
	if tat.Before(now) {
		tat = now
	}
	next := tat.Add(time.Duration(n) * interval)
	allowAt := next.Add(-time.Duration(max(b.Burst, 1)) * interval)
	if wait := allowAt.Sub(now); wait > 0 && n > 0 && !force {
		return wait
	}
	if next.After(now) {
		m.tat[key] = next
	} else {
		delete(m.tat, key)
	}
	return 0
}

// Pause implements Buckets.
func (m *Memory) Pause(_ context.Context, key string, d time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	until := m.now().Add(d)
	if until.After(m.paused[key]) {
		m.paused[key] = until
	}
	return nil
}

// Paused implements Buckets.
func (m *Memory) Paused(_ context.Context, key string) (time.Duration, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d := m.paused[key].Sub(m.now())
	if d <= 0 {
		delete(m.paused, key)
		return 0, nil
	}
	return d, nil
}

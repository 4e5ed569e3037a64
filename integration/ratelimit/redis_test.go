package ratelimit

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRedisBuckets: the Redis buckets behave as the in-process ones do:
// a burst, then waits; a give-back makes room at once, also one larger
// than what was taken (which redis_rate alone would ignore); a forced
// charge takes what is there; pauses only grow.
func TestRedisBuckets(t *testing.T) {
	url := os.Getenv("KOSMO_TEST_REDIS_URL")
	if url == "" {
		t.Skip("KOSMO_TEST_REDIS_URL is not set: run `source .ci/services.sh` (starts PostgreSQL and Redis) and test again")
	}
	ctx := context.Background()
	r, err := OpenRedis(ctx, url)
	require.NoError(t, err)
	defer r.Close()
	key := fmt.Sprintf("test:%d", time.Now().UnixNano())
	b := Bucket{Rate: 6, Burst: 3} // one every 10 s, three at once

	take := func(n int) time.Duration {
		d, err := r.Take(ctx, key, b, n)
		require.NoError(t, err)
		return d
	}
	assert.Zero(t, take(3), "the burst")
	assert.Greater(t, take(1), 9*time.Second, "then one every 10 s")

	require.NoError(t, r.Charge(ctx, key, b, -2))
	assert.Zero(t, take(2), "given back")
	assert.NotZero(t, take(1))

	require.NoError(t, r.Charge(ctx, key, b, 5), "a forced charge takes what is there")
	assert.Greater(t, take(1), 9*time.Second)

	// Tokens: a give-back larger than what was taken leaves the bucket
	// full but for a few tokens (redis_rate keeps no time before now, so
	// the give-back is cut to what keeps the bucket's time ahead, with a
	// slack of at least 10 ms for the clock that moves on meanwhile: ten
	// tokens here, more on a slow link).
	tokens := Bucket{Rate: 60_000, Burst: 1000} // a token a millisecond
	tk := func(n int) time.Duration {
		d, err := r.Take(ctx, key+":tpm", tokens, n)
		require.NoError(t, err)
		return d
	}
	assert.Zero(t, tk(1000))
	assert.Greater(t, tk(500), 400*time.Millisecond)
	require.NoError(t, r.Charge(ctx, key+":tpm", tokens, -100_000))
	assert.Zero(t, tk(800), "the bucket is full again, but for the slack")

	require.NoError(t, r.Pause(ctx, key, 2*time.Second))
	require.NoError(t, r.Pause(ctx, key, 100*time.Millisecond), "a shorter pause changes nothing")
	d, err := r.Paused(ctx, key)
	require.NoError(t, err)
	assert.Greater(t, d, time.Second)
	d, err = r.Paused(ctx, key+":other")
	require.NoError(t, err)
	assert.Zero(t, d)
}

package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/kosmo-run/kosmo/accounts"
	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/ratelimit"
	"github.com/kosmo-run/kosmo/store/engine"
)

// rateStoreTimeout bounds connecting to the rate_limit_store at start.
const rateStoreTimeout = 10 * time.Second

// rateLimitedClient returns the client of a host: its calls take their
// shares of the accounts' rate budgets, kept in this process, or in the
// Redis that setting (rate_limit_store, $KOSMO_RATE_LIMIT_STORE) names so
// that every host shares them. close releases the Redis connections.
// Connecting stops when ctx ends (an interrupt: its error is ctx's).
func (a *app) rateLimitedClient(ctx context.Context, setting string, client *integration.Client) (_ *integration.Client, close func(), err error) {
	if client == nil {
		client = integration.NewClient()
	}
	if setting == "" {
		client.Limiter = ratelimit.New(ratelimit.NewMemory())
		return client, func() {}, nil
	}
	url, from, err := engine.Indirect("rate_limit_store", setting, a.storeEnv(ctx))
	if err != nil {
		return nil, nil, &accounts.ConfigError{Err: err}
	}
	if !strings.HasPrefix(url, "redis://") && !strings.HasPrefix(url, "rediss://") {
		return nil, nil, &accounts.ConfigError{Path: "rate_limit_store", Err: fmt.Errorf("a redis:// or rediss:// URL expected, got %s%s", ratelimit.RedactURL(url), from)}
	}
	connect, cancel := context.WithTimeout(ctx, rateStoreTimeout)
	defer cancel()
	rdb, err := ratelimit.OpenRedis(connect, url)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, fmt.Errorf("rate_limit_store: connecting stopped: %w", ctx.Err())
		}
		return nil, nil, &accounts.ConfigError{Err: err}
	}
	client.Limiter = ratelimit.New(rdb)
	return client, func() { _ = rdb.Close() }, nil
}

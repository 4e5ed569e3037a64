package postgres

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/store"
	"github.com/kosmo-run/kosmo/store/storetest"
)

// testURL and freshSchema are the shared helpers of storetest.
var (
	testURL     = storetest.PostgresURL
	freshSchema = storetest.PostgresSchema
)

func TestContract(t *testing.T) {
	testURL(t)
	storetest.Run(t, func(t *testing.T) store.Store {
		db, err := Open(t.Context(), freshSchema(t))
		require.NoError(t, err)
		return db
	})
}

// TestHostsShareRecords opens the same database from several pools at once
// (as several hosts do): they migrate once, and what one puts every other
// lists.
func TestHostsShareRecords(t *testing.T) {
	u := freshSchema(t)
	ctx := t.Context()
	const hosts, each = 4, 30
	dbs := make([]*DB, hosts)
	var wg sync.WaitGroup
	for i := range hosts {
		wg.Go(func() {
			db, err := Open(ctx, u)
			if assert.NoError(t, err) {
				dbs[i] = db
			}
		})
	}
	wg.Wait()
	for _, db := range dbs {
		require.NotNil(t, db)
		defer db.Close()
	}
	for h, db := range dbs {
		wg.Go(func() {
			for i := range each {
				assert.NoError(t, db.Put(ctx, store.Record{Kind: "k", Scope: "s", ID: fmt.Sprintf("h%d-%02d", h, i), CreatedAt: int64(i)}))
			}
		})
	}
	wg.Wait()
	for _, db := range dbs {
		page, err := db.List(ctx, "k", "s", store.ListOptions{Limit: 1000})
		require.NoError(t, err)
		assert.Len(t, page.Records, hosts*each)
	}
	var n int
	require.NoError(t, dbs[0].pool.QueryRow(ctx, "SELECT count(*) FROM "+migrationsTable).Scan(&n))
	assert.Equal(t, len(migrations), n, "the schema is applied once")
}

func TestFutureSchemaRefused(t *testing.T) {
	u := freshSchema(t)
	ctx := t.Context()
	db, err := Open(ctx, u)
	require.NoError(t, err)
	_, err = db.pool.Exec(ctx, "INSERT INTO "+migrationsTable+" (version) VALUES ($1)", len(migrations)+1)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	_, err = Open(ctx, u)
	require.ErrorIs(t, err, ErrSchemaTooNew)
}

func TestMigrateStepByStep(t *testing.T) {
	u := freshSchema(t)
	ctx := t.Context()
	db, err := Open(ctx, u)
	require.NoError(t, err)
	defer db.Close()
	steps := append(append([]string{}, migrations...), `ALTER TABLE records ADD COLUMN note TEXT`)
	require.NoError(t, migrate(ctx, db.pool, steps))
	require.NoError(t, migrate(ctx, db.pool, steps), "migrating again does nothing")
	var n int
	require.NoError(t, db.pool.QueryRow(ctx, "SELECT MAX(version) FROM "+migrationsTable).Scan(&n))
	assert.Equal(t, len(steps), n)
}

// TestPasswordNeverShown opens URLs that fail, with a password in them:
// no error says it.
func TestPasswordNeverShown(t *testing.T) {
	const secret = "hunter2-s3cret"
	cases := []struct{ name, url string }{
		{"refused connection", "postgres://kosmo:" + secret + "@127.0.0.1:1/db?connect_timeout=2"},
		{"password parameter", "postgres://127.0.0.1:1/db?password=" + secret + "&connect_timeout=2"},
		{"bad URL", "postgres://kosmo:" + secret + "@[::1/db"},
		{"bad parameter", "postgres://kosmo:" + secret + "@127.0.0.1/db?sslmode=sometimes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			_, err := Open(ctx, c.url)
			require.Error(t, err)
			assert.NotContains(t, err.Error(), secret)
			assert.NotContains(t, Redact(c.url), secret)
		})
	}
	assert.Equal(t, "postgres://kosmo:xxxxx@db.example:5432/kosmo", Redact("postgres://kosmo:pw@db.example:5432/kosmo"))
	assert.True(t, strings.HasPrefix(Redact("postgresql://u@h/d"), "postgresql://u@h/d"))
}

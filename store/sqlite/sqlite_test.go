package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/store"
)

// openMemory opens a private in-memory database closed with the test.
func openMemory(t *testing.T) *DB {
	t.Helper()
	db, err := Open(t.Context(), Memory)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, db.Close()) })
	return db
}

// ids returns the ids of records, in order.
func ids(records []store.Record) []string {
	out := make([]string, len(records))
	for i, r := range records {
		out[i] = r.ID
	}
	return out
}

func TestPutGet(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := openMemory(t)

	rec := store.Record{Kind: "openai.assistant", Scope: "acct-1", ID: "asst_1", CreatedAt: 1700000000, Body: []byte(`{"secret":"s3cr3t"}`)}
	require.NoError(t, db.Put(ctx, rec))

	got, err := db.Get(ctx, rec.Kind, rec.Scope, rec.ID)
	require.NoError(t, err)
	assert.Equal(t, rec, got)

	// The same id in another scope or kind is another record.
	require.NoError(t, db.Put(ctx, store.Record{Kind: rec.Kind, Scope: "acct-2", ID: rec.ID, CreatedAt: 1, Body: []byte(`{"n":2}`)}))
	require.NoError(t, db.Put(ctx, store.Record{Kind: "openai.thread", Scope: rec.Scope, ID: rec.ID, CreatedAt: 2, Body: []byte(`{"n":3}`)}))
	got, err = db.Get(ctx, rec.Kind, rec.Scope, rec.ID)
	require.NoError(t, err)
	assert.Equal(t, rec, got, "records of other scopes and kinds leave this one alone")
	got, err = db.Get(ctx, rec.Kind, "acct-2", rec.ID)
	require.NoError(t, err)
	assert.JSONEq(t, `{"n":2}`, string(got.Body))

	err = db.Put(ctx, store.Record{Kind: rec.Kind, Scope: rec.Scope, ID: rec.ID, CreatedAt: 5, Body: []byte(`{"other":true}`)})
	require.ErrorIs(t, err, store.ErrExists)
	assert.Contains(t, err.Error(), "openai.assistant")
	assert.Contains(t, err.Error(), "asst_1")
	assert.NotContains(t, err.Error(), "other")
	got, err = db.Get(ctx, rec.Kind, rec.Scope, rec.ID)
	require.NoError(t, err)
	assert.Equal(t, rec, got, "a refused Put changes nothing")

	for _, c := range []struct{ name, kind, scope, id string }{
		{"unknown id", rec.Kind, rec.Scope, "asst_2"},
		{"other scope", rec.Kind, "acct-3", rec.ID},
		{"other kind", "openai.vector_store", rec.Scope, rec.ID},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := db.Get(ctx, c.kind, c.scope, c.id)
			require.ErrorIs(t, err, store.ErrNotFound)
			assert.Contains(t, err.Error(), c.id)
		})
	}
}

func TestPutInvalid(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := openMemory(t)
	require.Error(t, db.Put(ctx, store.Record{ID: "x"}), "empty kind")
	require.Error(t, db.Put(ctx, store.Record{Kind: "k"}), "empty id")

	// A nil body is an empty one.
	require.NoError(t, db.Put(ctx, store.Record{Kind: "k", ID: "x"}))
	got, err := db.Get(ctx, "k", "", "x")
	require.NoError(t, err)
	assert.Empty(t, got.Body)
}

func TestList(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := openMemory(t)

	// Put in this order; r1..r3 share a second, r6 is older than r4 but
	// put after it.
	for _, r := range []struct {
		id string
		at int64
	}{{"r1", 100}, {"r2", 100}, {"r3", 100}, {"r4", 200}, {"r5", 300}, {"r6", 150}} {
		require.NoError(t, db.Put(ctx, store.Record{Kind: "k", Scope: "s", ID: r.id, CreatedAt: r.at, Body: []byte(`{"id":"` + r.id + `"}`)}))
	}
	// Neighbours that must never show up.
	require.NoError(t, db.Put(ctx, store.Record{Kind: "k", Scope: "other", ID: "o1", CreatedAt: 120, Body: []byte(`{}`)}))
	require.NoError(t, db.Put(ctx, store.Record{Kind: "k2", Scope: "s", ID: "x1", CreatedAt: 120, Body: []byte(`{}`)}))

	cases := []struct {
		name    string
		kind    string
		scope   string
		opts    store.ListOptions
		want    []string
		more    bool
		wantErr error
		errText string
	}{
		{name: "default is newest first", opts: store.ListOptions{}, want: []string{"r5", "r4", "r6", "r3", "r2", "r1"}},
		{name: "desc", opts: store.ListOptions{Order: store.Desc}, want: []string{"r5", "r4", "r6", "r3", "r2", "r1"}},
		{name: "asc", opts: store.ListOptions{Order: store.Asc}, want: []string{"r1", "r2", "r3", "r6", "r4", "r5"}},
		{name: "limit", opts: store.ListOptions{Limit: 2}, want: []string{"r5", "r4"}, more: true},
		{name: "limit equal to count", opts: store.ListOptions{Limit: 6}, want: []string{"r5", "r4", "r6", "r3", "r2", "r1"}},
		{name: "limit one below count", opts: store.ListOptions{Limit: 5, Order: store.Asc}, want: []string{"r1", "r2", "r3", "r6", "r4"}, more: true},
		{name: "after", opts: store.ListOptions{Limit: 2, After: "r4"}, want: []string{"r6", "r3"}, more: true},
		{name: "after within a second", opts: store.ListOptions{After: "r3"}, want: []string{"r2", "r1"}},
		{name: "after the last", opts: store.ListOptions{After: "r1"}, want: []string{}},
		{name: "asc after", opts: store.ListOptions{Order: store.Asc, Limit: 2, After: "r2"}, want: []string{"r3", "r6"}, more: true},
		{name: "asc after to the end", opts: store.ListOptions{Order: store.Asc, Limit: 2, After: "r6"}, want: []string{"r4", "r5"}},
		{name: "other scope", scope: "other", want: []string{"o1"}},
		{name: "other kind", kind: "k2", want: []string{"x1"}},
		{name: "empty scope", scope: "nobody", want: []string{}},
		{name: "unknown cursor", opts: store.ListOptions{After: "nope"}, wantErr: store.ErrNotFound, errText: "nope"},
		{name: "cursor of another scope", opts: store.ListOptions{After: "o1"}, wantErr: store.ErrNotFound, errText: "o1"},
		{name: "unknown order", opts: store.ListOptions{Order: "sideways"}, errText: "sideways"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			kind, scope := c.kind, c.scope
			if kind == "" {
				kind = "k"
			}
			if scope == "" {
				scope = "s"
			}
			page, err := db.List(ctx, kind, scope, c.opts)
			if c.wantErr != nil || c.errText != "" {
				require.Error(t, err)
				if c.wantErr != nil {
					require.ErrorIs(t, err, c.wantErr)
				}
				assert.Contains(t, err.Error(), c.errText)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, ids(page.Records))
			assert.Equal(t, c.more, page.HasMore)
			for _, r := range page.Records {
				assert.Equal(t, kind, r.Kind)
				assert.Equal(t, scope, r.Scope)
				if kind == "k" && scope == "s" {
					assert.JSONEq(t, `{"id":"`+r.ID+`"}`, string(r.Body))
				}
			}
		})
	}
}

func TestListLimitsAndPaging(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := openMemory(t)
	const n = 45
	for i := range n {
		// Three records a second, so that pages cut through seconds.
		require.NoError(t, db.Put(ctx, store.Record{Kind: "k", Scope: "s", ID: fmt.Sprintf("r%02d", i), CreatedAt: int64(1000 + i/3), Body: []byte(`{}`)}))
	}

	for _, limit := range []int{0, -1} {
		page, err := db.List(ctx, "k", "s", store.ListOptions{Limit: limit})
		require.NoError(t, err)
		assert.Len(t, page.Records, 20, "limit %d means 20", limit)
		assert.True(t, page.HasMore)
		assert.Equal(t, "r44", page.Records[0].ID)
	}
	page, err := db.List(ctx, "k", "s", store.ListOptions{Limit: 1 << 62})
	require.NoError(t, err)
	assert.Len(t, page.Records, n)
	assert.False(t, page.HasMore)

	for _, c := range []struct {
		order store.Order
		first string
	}{{store.Desc, "r44"}, {store.Asc, "r00"}} {
		for _, size := range []int{1, 2, 7, 45, 50} {
			t.Run(fmt.Sprintf("%s/%d", c.order, size), func(t *testing.T) {
				var got []string
				opts := store.ListOptions{Limit: size, Order: c.order}
				for pages := 0; ; pages++ {
					require.Less(t, pages, n+1, "paging does not end")
					page, err := db.List(ctx, "k", "s", opts)
					require.NoError(t, err)
					require.LessOrEqual(t, len(page.Records), size)
					got = append(got, ids(page.Records)...)
					if !page.HasMore {
						break
					}
					require.NotEmpty(t, page.Records)
					opts.After = page.Records[len(page.Records)-1].ID
				}
				require.Len(t, got, n)
				assert.Equal(t, c.first, got[0])
				for i := 1; i < n; i++ {
					if c.order == store.Desc {
						assert.Greater(t, got[i-1], got[i])
					} else {
						assert.Less(t, got[i-1], got[i])
					}
				}
			})
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	for _, path := range []string{Memory, filepath.Join(t.TempDir(), "kosmo.db")} {
		t.Run(path, func(t *testing.T) {
			db, err := Open(ctx, path)
			require.NoError(t, err)
			defer func() { assert.NoError(t, db.Close()) }()
			const workers, each = 8, 25
			var wg sync.WaitGroup
			for w := range workers {
				wg.Go(func() {
					for i := range each {
						id := fmt.Sprintf("w%d-%d", w, i)
						if !assert.NoError(t, db.Put(ctx, store.Record{Kind: "k", Scope: "s", ID: id, CreatedAt: 1, Body: []byte(`{}`)})) {
							return
						}
						_, err := db.List(ctx, "k", "s", store.ListOptions{Limit: 5})
						assert.NoError(t, err)
						_, err = db.Get(ctx, "k", "s", id)
						assert.NoError(t, err)
					}
				})
			}
			wg.Wait()
			page, err := db.List(ctx, "k", "s", store.ListOptions{Limit: workers * each * 2})
			require.NoError(t, err)
			assert.Len(t, page.Records, workers*each)
		})
	}
}

func TestPersistence(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "kosmo.db")

	db, err := Open(ctx, path)
	require.NoError(t, err)
	rec := store.Record{Kind: "k", Scope: "s", ID: "kept", CreatedAt: 42, Body: []byte(`{"a":[1,2,3]}`)}
	require.NoError(t, db.Put(ctx, rec))
	require.NoError(t, db.Close())

	_, err = db.Get(ctx, "k", "s", "kept")
	require.Error(t, err, "a closed DB is not used")

	db, err = Open(ctx, path)
	require.NoError(t, err)
	defer func() { assert.NoError(t, db.Close()) }()
	got, err := db.Get(ctx, "k", "s", "kept")
	require.NoError(t, err)
	assert.Equal(t, rec, got)
	page, err := db.List(ctx, "k", "s", store.ListOptions{})
	require.NoError(t, err)
	assert.Equal(t, []store.Record{rec}, page.Records)
	assert.Equal(t, 1, migrationRows(t, path), "reopening migrates nothing")
}

func TestPathsWithURICharacters(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "odd?name#x%41", "kosmo.db")
	db, err := Open(ctx, path)
	require.NoError(t, err)
	require.NoError(t, db.Put(ctx, store.Record{Kind: "k", ID: "x", Body: []byte(`{}`)}))
	require.NoError(t, db.Close())
	assert.FileExists(t, path)
}

func TestFutureSchemaRefused(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "kosmo.db")
	db, err := Open(ctx, path)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	future := len(migrations) + 1
	raw, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	_, err = raw.ExecContext(ctx, `INSERT INTO `+migrationsTable+` (version, applied_at) VALUES (?, 0)`, future)
	require.NoError(t, err)
	require.NoError(t, raw.Close())

	_, err = Open(ctx, path)
	require.ErrorIs(t, err, ErrSchemaTooNew)
	msg := err.Error()
	assert.Contains(t, msg, fmt.Sprintf("version %d", future))
	assert.Contains(t, msg, fmt.Sprintf("up to %d", len(migrations)))
	assert.Contains(t, msg, path)
	assert.Equal(t, future, migrationRows(t, path), "the database is left as it was")

	// The check under the write lock refuses it too.
	err = migrate(ctx, openRaw(t, path), migrations)
	require.ErrorIs(t, err, ErrSchemaTooNew)
}

func TestMigrateStepByStep(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "kosmo.db")
	raw := openRaw(t, path)
	steps := []string{
		`CREATE TABLE a (x INTEGER) STRICT`,
		`CREATE TABLE b (y INTEGER) STRICT`,
	}
	require.NoError(t, migrate(ctx, raw, steps[:1]))
	require.NoError(t, migrate(ctx, raw, steps))
	require.NoError(t, migrate(ctx, raw, steps))
	assert.Equal(t, 2, migrationRows(t, path))

	// A failing step leaves nothing of itself or of the steps before it
	// in the same run.
	bad := append(steps[:2:2], `CREATE TABLE c (z INTEGER) STRICT`, `THIS IS NOT SQL`)
	err := migrate(ctx, raw, bad)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "step 4")
	assert.Equal(t, 2, migrationRows(t, path))
	var n int
	require.NoError(t, raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema WHERE name = 'c'`).Scan(&n))
	assert.Zero(t, n, "a failed migration is rolled back whole")
}

func TestOpenConcurrentGoroutines(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "new", "kosmo.db")
	const n = 8
	start := make(chan struct{})
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			db, err := Open(ctx, path)
			if err != nil {
				errs <- err
				return
			}
			err = db.Put(ctx, store.Record{Kind: "k", Scope: "s", ID: fmt.Sprint(i), Body: []byte(`{}`)})
			errs <- err
			assert.NoError(t, db.Close())
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	assert.Equal(t, len(migrations), migrationRows(t, path))
	assert.Equal(t, n, recordRows(t, path))
}

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dir := t.TempDir()

	_, err := Open(ctx, "")
	require.Error(t, err)

	// A database that is no database.
	junk := filepath.Join(dir, "junk.db")
	writeFile(t, junk, strings.Repeat("not a database ", 100))
	_, err = Open(ctx, junk)
	require.Error(t, err)
	assert.Contains(t, err.Error(), junk)

	// A directory where the file should be.
	_, err = Open(ctx, dir)
	require.Error(t, err)
}

func TestDefaultPath(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, xdg, home, want string
	}{
		{"xdg", "/data", "/home/u", "/data/kosmo/kosmo.db"},
		{"no xdg", "", "/home/u", "/home/u/.local/share/kosmo/kosmo.db"},
		{"relative xdg ignored", "data", "/home/u", "/home/u/.local/share/kosmo/kosmo.db"},
	} {
		t.Run(c.name, func(t *testing.T) {
			getenv := func(k string) string {
				if k == "XDG_DATA_HOME" {
					return c.xdg
				}
				return ""
			}
			assert.Equal(t, filepath.FromSlash(c.want), DefaultPath(getenv, filepath.FromSlash(c.home)))
		})
	}
}

// openRaw opens the database at path with no migration, closed with the
// test.
func openRaw(t *testing.T, path string) *sql.DB {
	t.Helper()
	dsn, err := prepare(path)
	require.NoError(t, err)
	db, err := sql.Open("sqlite", dsn)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, db.Close()) })
	return db
}

// migrationRows counts the steps the database at path records as applied.
func migrationRows(t *testing.T, path string) int {
	t.Helper()
	return countRows(t, path, migrationsTable)
}

// recordRows counts the records in the database at path.
func recordRows(t *testing.T, path string) int {
	t.Helper()
	return countRows(t, path, "records")
}

func countRows(t *testing.T, path, table string) int {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()
	var n int
	require.NoError(t, db.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM `+table).Scan(&n))
	return n
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, []byte(data), 0o600))
}

func TestPragmasOnEveryConnection(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "kosmo.db"))
	require.NoError(t, err)
	defer func() { assert.NoError(t, db.Close()) }()

	// Hold several connections at once, so that the pool opens new ones.
	var conns []*sql.Conn
	for range 3 {
		c, err := db.db.Conn(ctx)
		require.NoError(t, err)
		conns = append(conns, c)
	}
	for i, c := range conns {
		for _, p := range []struct{ pragma, want string }{
			{"journal_mode", "wal"},
			{"busy_timeout", "10000"},
			{"foreign_keys", "1"},
			{"synchronous", "1"}, // NORMAL
		} {
			var got string
			require.NoError(t, c.QueryRowContext(ctx, "PRAGMA "+p.pragma).Scan(&got))
			assert.Equal(t, p.want, strings.ToLower(got), "connection %d: %s", i, p.pragma)
		}
		require.NoError(t, c.Close())
	}
}

func TestRetryBusy(t *testing.T) {
	t.Parallel()
	ctx := t.Context()

	// A real SQLITE_BUSY: a second writer with no busy timeout.
	path := filepath.Join(t.TempDir(), "kosmo.db")
	raw, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer raw.Close()
	holder, err := raw.Conn(ctx)
	require.NoError(t, err)
	defer holder.Close()
	other, err := raw.Conn(ctx)
	require.NoError(t, err)
	defer other.Close()
	_, err = holder.ExecContext(ctx, "BEGIN IMMEDIATE")
	require.NoError(t, err)
	_, busy := other.ExecContext(ctx, "BEGIN IMMEDIATE")
	require.Error(t, busy)
	require.True(t, isBusy(busy), "%v", busy)
	require.True(t, isBusy(fmt.Errorf("wrapped: %w", busy)))
	assert.False(t, isBusy(store.ErrNotFound))
	_, err = holder.ExecContext(ctx, "ROLLBACK")
	require.NoError(t, err)

	calls := 0
	err = retryBusy(ctx, time.Minute, func() error {
		calls++
		if calls < 3 {
			return busy
		}
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 3, calls, "busy is retried")

	calls = 0
	err = retryBusy(ctx, time.Minute, func() error { calls++; return store.ErrExists })
	require.ErrorIs(t, err, store.ErrExists)
	assert.Equal(t, 1, calls, "other errors are not")

	calls = 0
	err = retryBusy(ctx, 0, func() error { calls++; return busy })
	require.ErrorIs(t, err, busy)
	assert.Equal(t, 1, calls, "nothing is retried past the limit")

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	err = retryBusy(cancelled, time.Minute, func() error { return busy })
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, err, busy)
}

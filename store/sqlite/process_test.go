package sqlite

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/store"
)

// The environment of a child process: its role, the database, its number
// and the directory of the start barrier.
const (
	childEnv   = "KOSMO_STORE_CHILD"
	pathEnv    = "KOSMO_STORE_PATH"
	workerEnv  = "KOSMO_STORE_WORKER"
	barrierEnv = "KOSMO_STORE_BARRIER"
)

// The children's work, and the bounds that catch a hang. The bounds are
// far above what the work takes (well under a second for each process
// under the race detector on two cores), so a slow machine does not fail
// the test.
const (
	processes    = 4
	putsEach     = 50
	childTimeout = 2 * time.Minute
	barrierWait  = time.Minute
)

// TestStoreChild is the work of one child process of the tests below.
func TestStoreChild(t *testing.T) {
	role := os.Getenv(childEnv)
	if role == "" {
		t.Skip("only run by the multi-process tests")
	}
	path := os.Getenv(pathEnv)
	worker, err := strconv.Atoi(os.Getenv(workerEnv))
	require.NoError(t, err)
	ctx := t.Context()
	awaitStart(t, os.Getenv(barrierEnv), worker)

	db, err := Open(ctx, path)
	require.NoError(t, err)
	defer func() { require.NoError(t, db.Close()) }()

	switch role {
	case "open":
		require.NoError(t, db.Put(ctx, store.Record{Kind: "k", Scope: "s", ID: fmt.Sprintf("open-%d", worker), Body: []byte(`{}`)}))
	case "write":
		for i := range putsEach {
			id := fmt.Sprintf("p%d-%03d", worker, i)
			// Ten records a second, each second shared by every writer.
			require.NoError(t, db.Put(ctx, store.Record{
				Kind: "k", Scope: "s", ID: id, CreatedAt: int64(1000 + i/10),
				Body: fmt.Appendf(nil, `{"worker":%d,"i":%d}`, worker, i),
			}))
			got, err := db.Get(ctx, "k", "s", id)
			require.NoError(t, err)
			require.JSONEq(t, fmt.Sprintf(`{"worker":%d,"i":%d}`, worker, i), string(got.Body))
			if i%5 == 0 {
				page, err := db.List(ctx, "k", "s", store.ListOptions{Limit: 10})
				require.NoError(t, err)
				requireOrdered(t, page.Records, store.Desc)
			}
		}
	case "read":
		// List everything, page by page, until every writer is done; the
		// count never goes down and every page is in order.
		seen := 0
		deadline := time.Now().Add(childTimeout)
		for seen < processes*putsEach {
			require.True(t, time.Now().Before(deadline), "the writers did not finish: %d records seen", seen)
			all := listAll(ctx, t, db, store.Asc, 17)
			require.GreaterOrEqual(t, len(all), seen)
			seen = len(all)
		}
	default:
		t.Fatalf("unknown role %q", role)
	}
}

// awaitStart announces that child worker is ready, then waits until the
// parent says go, so that the children start their work together.
func awaitStart(t *testing.T, dir string, worker int) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("ready-%d", worker)), nil, 0o600))
	deadline := time.Now().Add(barrierWait)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go")); err == nil {
			return
		}
		require.True(t, time.Now().Before(deadline), "no start signal")
		time.Sleep(time.Millisecond)
	}
}

// runChildren runs the test binary once for each role, all at once against
// the database at path, and fails the test unless every one succeeds.
func runChildren(t *testing.T, path string, roles []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), childTimeout)
	defer cancel()
	barrier := t.TempDir()

	type result struct {
		role string
		err  error
		out  []byte
	}
	results := make([]result, len(roles))
	exited := make([]chan struct{}, len(roles))
	var wg sync.WaitGroup
	for i, role := range roles {
		cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestStoreChild$", "-test.count=1", "-test.timeout=5m")
		cmd.Env = append(os.Environ(),
			childEnv+"="+role,
			pathEnv+"="+path,
			workerEnv+"="+strconv.Itoa(i),
			barrierEnv+"="+barrier,
		)
		exited[i] = make(chan struct{})
		wg.Go(func() {
			defer close(exited[i])
			out, err := cmd.CombinedOutput()
			results[i] = result{role, err, out}
		})
	}

	// Say go once every child is ready (or gone).
	for i := range roles {
		ready := filepath.Join(barrier, fmt.Sprintf("ready-%d", i))
	wait:
		for {
			if _, err := os.Stat(ready); err == nil {
				break
			}
			select {
			case <-exited[i]:
				break wait
			case <-ctx.Done():
				break wait
			case <-time.After(time.Millisecond):
			}
		}
	}
	require.NoError(t, os.WriteFile(filepath.Join(barrier, "go"), nil, 0o600))
	wg.Wait()
	for i, r := range results {
		assert.NoError(t, r.err, "child %d (%s):\n%s", i, r.role, r.out)
	}
}

func TestProcessesOpenNewFileAtOnce(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		t.Skip("in a child process")
	}
	t.Parallel()
	path := filepath.Join(t.TempDir(), "new", "kosmo.db")
	roles := make([]string, processes)
	for i := range roles {
		roles[i] = "open"
	}
	runChildren(t, path, roles)
	assert.Equal(t, len(migrations), migrationRows(t, path), "the schema is applied once")
	assert.Equal(t, processes, recordRows(t, path))
}

func TestProcessesWriteAtOnce(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		t.Skip("in a child process")
	}
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "kosmo.db")
	roles := make([]string, processes, processes+1)
	for i := range roles {
		roles[i] = "write"
	}
	roles = append(roles, "read")
	runChildren(t, path, roles)

	db, err := Open(ctx, path)
	require.NoError(t, err)
	defer func() { assert.NoError(t, db.Close()) }()
	for _, order := range []store.Order{store.Desc, store.Asc} {
		all := listAll(ctx, t, db, order, 37)
		require.Len(t, all, processes*putsEach)
		seen := make(map[string]bool, len(all))
		for _, r := range all {
			assert.False(t, seen[r.ID], "%s listed twice", r.ID)
			seen[r.ID] = true
		}
		for w := range processes {
			for i := range putsEach {
				assert.True(t, seen[fmt.Sprintf("p%d-%03d", w, i)], "p%d-%03d lost", w, i)
			}
		}
	}
	assert.Equal(t, len(migrations), migrationRows(t, path))
}

// listAll pages through every record of kind "k" and scope "s", checking
// that they come in order.
func listAll(ctx context.Context, t *testing.T, db *DB, order store.Order, size int) []store.Record {
	t.Helper()
	var all []store.Record
	opts := store.ListOptions{Limit: size, Order: order}
	for {
		page, err := db.List(ctx, "k", "s", opts)
		require.NoError(t, err)
		all = append(all, page.Records...)
		if !page.HasMore {
			break
		}
		opts.After = page.Records[len(page.Records)-1].ID
	}
	requireOrdered(t, all, order)
	return all
}

// requireOrdered fails unless records are in order by creation time, and
// within one second by writer and number (each writer puts its records of
// one second in order).
func requireOrdered(t *testing.T, records []store.Record, order store.Order) {
	t.Helper()
	last := map[int64]map[byte]string{} // second → writer → last id
	for i := 1; i < len(records); i++ {
		a, b := records[i-1].CreatedAt, records[i].CreatedAt
		if order == store.Desc {
			require.GreaterOrEqual(t, a, b, "records out of order")
		} else {
			require.LessOrEqual(t, a, b, "records out of order")
		}
	}
	for _, r := range records {
		if len(r.ID) < 2 || r.ID[0] != 'p' {
			continue
		}
		byWriter := last[r.CreatedAt]
		if byWriter == nil {
			byWriter = map[byte]string{}
			last[r.CreatedAt] = byWriter
		}
		if prev, ok := byWriter[r.ID[1]]; ok {
			if order == store.Desc {
				require.Greater(t, prev, r.ID, "a writer's records of one second out of order")
			} else {
				require.Less(t, prev, r.ID, "a writer's records of one second out of order")
			}
		}
		byWriter[r.ID[1]] = r.ID
	}
}

// Package storetest checks that a store engine keeps the store.Store
// contract: every engine's tests run Run against a fresh, empty store.
package storetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/store"
)

// Run runs the contract's tests; open returns a new, empty store, which
// Run closes.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	t.Run("PutGet", func(t *testing.T) { testPutGet(t, open(t)) })
	t.Run("List", func(t *testing.T) { testList(t, open(t)) })
	t.Run("Concurrent", func(t *testing.T) { testConcurrent(t, open(t)) })
}

func testPutGet(t *testing.T, s store.Store) {
	ctx := t.Context()
	defer func() { assert.NoError(t, s.Close()) }()
	rec := store.Record{Kind: "openai.assistant", Scope: "acct-1", ID: "asst_1", CreatedAt: 1700000000, Body: []byte(`{"secret":"s3cr3t"}`)}
	require.NoError(t, s.Put(ctx, rec))
	got, err := s.Get(ctx, rec.Kind, rec.Scope, rec.ID)
	require.NoError(t, err)
	assert.Equal(t, rec, got)

	require.NoError(t, s.Put(ctx, store.Record{Kind: rec.Kind, Scope: "acct-2", ID: rec.ID, CreatedAt: 1, Body: []byte(`{"n":2}`)}))
	require.NoError(t, s.Put(ctx, store.Record{Kind: "openai.thread", Scope: rec.Scope, ID: rec.ID, CreatedAt: 2, Body: []byte(`{"n":3}`)}))
	err = s.Put(ctx, store.Record{Kind: rec.Kind, Scope: rec.Scope, ID: rec.ID, CreatedAt: 5, Body: []byte(`{"other":true}`)})
	require.ErrorIs(t, err, store.ErrExists)
	got, err = s.Get(ctx, rec.Kind, rec.Scope, rec.ID)
	require.NoError(t, err)
	assert.Equal(t, rec, got, "other scopes, other kinds and a refused Put leave the record alone")

	for _, c := range []struct{ name, kind, scope, id string }{
		{"unknown id", rec.Kind, rec.Scope, "asst_2"},
		{"other scope", rec.Kind, "acct-3", rec.ID},
		{"other kind", "openai.vector_store", rec.Scope, rec.ID},
	} {
		_, err := s.Get(ctx, c.kind, c.scope, c.id)
		require.ErrorIs(t, err, store.ErrNotFound, c.name)
	}

	require.Error(t, s.Put(ctx, store.Record{ID: "x"}), "empty kind")
	require.Error(t, s.Put(ctx, store.Record{Kind: "k"}), "empty id")
	require.NoError(t, s.Put(ctx, store.Record{Kind: "k", ID: "nil-body"}))
	got, err = s.Get(ctx, "k", "", "nil-body")
	require.NoError(t, err)
	assert.Empty(t, got.Body)
}

func testList(t *testing.T, s store.Store) {
	ctx := t.Context()
	defer func() { assert.NoError(t, s.Close()) }()
	for _, r := range []struct {
		id string
		at int64
	}{{"r1", 100}, {"r2", 100}, {"r3", 100}, {"r4", 200}, {"r5", 300}, {"r6", 150}} {
		require.NoError(t, s.Put(ctx, store.Record{Kind: "k", Scope: "s", ID: r.id, CreatedAt: r.at, Body: []byte(`{}`)}))
	}
	require.NoError(t, s.Put(ctx, store.Record{Kind: "k", Scope: "other", ID: "o1", CreatedAt: 120, Body: []byte(`{}`)}))
	require.NoError(t, s.Put(ctx, store.Record{Kind: "k2", Scope: "s", ID: "x1", CreatedAt: 120, Body: []byte(`{}`)}))

	cases := []struct {
		name string
		opts store.ListOptions
		want []string
		more bool
	}{
		{"default desc", store.ListOptions{}, []string{"r5", "r4", "r6", "r3", "r2", "r1"}, false},
		{"asc", store.ListOptions{Order: store.Asc}, []string{"r1", "r2", "r3", "r6", "r4", "r5"}, false},
		{"limit", store.ListOptions{Limit: 2}, []string{"r5", "r4"}, true},
		{"after desc", store.ListOptions{Limit: 2, After: "r4"}, []string{"r6", "r3"}, true},
		{"after asc", store.ListOptions{Order: store.Asc, After: "r2", Limit: 3}, []string{"r3", "r6", "r4"}, true},
		{"last page", store.ListOptions{Order: store.Asc, After: "r4"}, []string{"r5"}, false},
		{"after the last", store.ListOptions{After: "r1"}, []string{}, false},
	}
	for _, c := range cases {
		page, err := s.List(ctx, "k", "s", c.opts)
		require.NoError(t, err, c.name)
		got := make([]string, 0, len(page.Records))
		for _, r := range page.Records {
			got = append(got, r.ID)
		}
		assert.Equal(t, c.want, got, c.name)
		assert.Equal(t, c.more, page.HasMore, c.name)
	}
	_, err := s.List(ctx, "k", "s", store.ListOptions{After: "nope"})
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.List(ctx, "k", "s", store.ListOptions{Order: "sideways"})
	require.Error(t, err)
	page, err := s.List(ctx, "k", "empty", store.ListOptions{})
	require.NoError(t, err)
	assert.Empty(t, page.Records)
}

// testConcurrent puts from many goroutines, each id once and one id from
// all of them: every record is kept, and the shared id exactly once.
func testConcurrent(t *testing.T, s store.Store) {
	ctx := t.Context()
	defer func() { assert.NoError(t, s.Close()) }()
	const workers, each = 8, 25
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				assert.NoError(t, s.Put(ctx, store.Record{Kind: "k", Scope: "s", ID: fmt.Sprintf("w%d-%02d", w, i), CreatedAt: int64(i), Body: []byte(`{}`)}))
			}
			if err := s.Put(ctx, store.Record{Kind: "k", Scope: "s", ID: "shared", CreatedAt: 1, Body: []byte(`{}`)}); err == nil {
				mu.Lock()
				won++
				mu.Unlock()
			} else {
				assert.ErrorIs(t, err, store.ErrExists)
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 1, won, "one Put of a shared id succeeds")
	page, err := s.List(ctx, "k", "s", store.ListOptions{Limit: workers*each + 10})
	require.NoError(t, err)
	assert.Len(t, page.Records, workers*each+1)
}

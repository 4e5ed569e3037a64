package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/store"
	"github.com/kosmo-run/kosmo/store/sqlite"
)

// closeCounter is a Store that counts its Close calls.
type closeCounter struct {
	store.Store
	closes *atomic.Int32
}

func (c closeCounter) Close() error {
	c.closes.Add(1)
	return c.Store.Close()
}

func TestLazyOpensOnFirstUse(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "data", "kosmo.db")
	var opens atomic.Int32
	l := store.Lazy(func(ctx context.Context) (store.Store, error) {
		opens.Add(1)
		return sqlite.Open(ctx, path)
	})
	assert.NoDirExists(t, filepath.Dir(path), "nothing is created before the first use")
	assert.Zero(t, opens.Load())

	_, err := l.Get(ctx, "k", "s", "x")
	require.ErrorIs(t, err, store.ErrNotFound)
	assert.FileExists(t, path)
	require.NoError(t, l.Put(ctx, store.Record{Kind: "k", Scope: "s", ID: "x", CreatedAt: 1, Body: []byte(`{}`)}))
	page, err := l.List(ctx, "k", "s", store.ListOptions{})
	require.NoError(t, err)
	assert.Len(t, page.Records, 1)
	assert.EqualValues(t, 1, opens.Load())

	require.NoError(t, l.Close())
	require.NoError(t, l.Close(), "closing again does nothing")
	require.ErrorIs(t, l.Put(ctx, store.Record{Kind: "k", ID: "y"}), store.ErrClosed)
	_, err = l.List(ctx, "k", "s", store.ListOptions{})
	require.ErrorIs(t, err, store.ErrClosed)
	assert.EqualValues(t, 1, opens.Load(), "a closed store does not reopen")
}

func TestLazyNeverUsed(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "kosmo.db")
	l := store.Lazy(func(ctx context.Context) (store.Store, error) {
		t.Error("opened although never used")
		return sqlite.Open(ctx, path)
	})
	require.NoError(t, l.Close())
	assert.NoFileExists(t, path)
	_, err := l.Get(t.Context(), "k", "s", "x")
	require.ErrorIs(t, err, store.ErrClosed)
}

func TestLazyOpensOnceUnderConcurrency(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	var opens, closes atomic.Int32
	l := store.Lazy(func(ctx context.Context) (store.Store, error) {
		opens.Add(1)
		db, err := sqlite.Open(ctx, sqlite.Memory)
		if err != nil {
			return nil, err
		}
		return closeCounter{db, &closes}, nil
	})
	const n = 16
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			r := store.Record{Kind: "k", Scope: "s", ID: string(rune('a' + i)), CreatedAt: int64(i), Body: []byte(`{}`)}
			assert.NoError(t, l.Put(ctx, r))
			_, err := l.Get(ctx, "k", "s", r.ID)
			assert.NoError(t, err)
		})
	}
	close(start)
	wg.Wait()
	assert.EqualValues(t, 1, opens.Load())
	page, err := l.List(ctx, "k", "s", store.ListOptions{Limit: 100})
	require.NoError(t, err)
	assert.Len(t, page.Records, n, "every caller shared one store")
	require.NoError(t, l.Close())
	assert.EqualValues(t, 1, closes.Load())
}

func TestLazyRetriesAfterFailedOpen(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	errBoom := errors.New("disk on fire")
	var opens atomic.Int32
	l := store.Lazy(func(ctx context.Context) (store.Store, error) {
		if opens.Add(1) <= 2 {
			return nil, errBoom
		}
		return sqlite.Open(ctx, sqlite.Memory)
	})
	defer func() { assert.NoError(t, l.Close()) }()

	r := store.Record{Kind: "k", Scope: "s", ID: "x", Body: []byte(`{}`)}
	require.ErrorIs(t, l.Put(ctx, r), errBoom)
	_, err := l.Get(ctx, "k", "s", "x")
	require.ErrorIs(t, err, errBoom)
	require.NoError(t, l.Put(ctx, r), "the next use opens again")
	_, err = l.Get(ctx, "k", "s", "x")
	require.NoError(t, err)
	assert.EqualValues(t, 3, opens.Load())
}

func TestLazyWaitingCallerCanGiveUp(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	started := make(chan struct{})
	l := store.Lazy(func(ctx context.Context) (store.Store, error) {
		close(started)
		<-release
		return sqlite.Open(ctx, sqlite.Memory)
	})
	defer func() { assert.NoError(t, l.Close()) }()

	first := make(chan error, 1)
	go func() { first <- l.Put(t.Context(), store.Record{Kind: "k", ID: "x", Body: []byte(`{}`)}) }()
	<-started

	// Another caller waits for that open, and its context ends first.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := l.Get(ctx, "k", "", "x")
	require.ErrorIs(t, err, context.Canceled)

	close(release)
	require.NoError(t, <-first)
	_, err = l.Get(t.Context(), "k", "", "x")
	require.NoError(t, err)
}

func TestLazyIsAStore(t *testing.T) {
	t.Parallel()
	var s store.Store = store.Lazy(func(context.Context) (store.Store, error) {
		return nil, os.ErrNotExist
	})
	_, err := s.List(t.Context(), "k", "s", store.ListOptions{})
	require.ErrorIs(t, err, os.ErrNotExist)
	require.NoError(t, s.Close())
}

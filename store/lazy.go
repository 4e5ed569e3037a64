package store

import (
	"context"
	"errors"
	"fmt"
)

// ErrClosed is the use of a LazyStore after its Close.
var ErrClosed = errors.New("store closed")

// LazyStore is a Store that opens the real one on first use and shares it
// afterwards, so that a program that never uses the store never creates
// it. It is safe for concurrent use. Create one with Lazy.
type LazyStore struct {
	open func(ctx context.Context) (Store, error)
	// sem holds one token; who holds it may read and change the fields
	// below. A channel rather than a mutex, so that a caller waiting for
	// another's open can give up when its context ends.
	sem    chan struct{}
	s      Store
	closed bool
}

var _ Store = (*LazyStore)(nil)

// Lazy returns a Store that calls open on its first use. When open fails,
// the caller that triggered it gets the error and the next use calls open
// again; once open succeeds its Store serves every later use.
func Lazy(open func(ctx context.Context) (Store, error)) *LazyStore {
	l := &LazyStore{open: open, sem: make(chan struct{}, 1)}
	l.sem <- struct{}{}
	return l
}

// get returns the opened store, opening it when this is the first use or
// every open so far has failed.
func (l *LazyStore) get(ctx context.Context) (Store, error) {
	select {
	case <-l.sem:
	case <-ctx.Done():
		return nil, fmt.Errorf("open store: %w", context.Cause(ctx))
	}
	defer func() { l.sem <- struct{}{} }()
	if l.closed {
		return nil, ErrClosed
	}
	if l.s != nil {
		return l.s, nil
	}
	s, err := l.open(ctx)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return nil, errors.New("open store: opener returned no store")
	}
	l.s = s
	return s, nil
}

// Put opens the store if needed and adds r to it.
func (l *LazyStore) Put(ctx context.Context, r Record) error {
	s, err := l.get(ctx)
	if err != nil {
		return err
	}
	return s.Put(ctx, r)
}

// Get opens the store if needed and returns one record from it.
func (l *LazyStore) Get(ctx context.Context, kind, scope, id string) (Record, error) {
	s, err := l.get(ctx)
	if err != nil {
		return Record{}, err
	}
	return s.Get(ctx, kind, scope, id)
}

// List opens the store if needed and returns a page of its records.
func (l *LazyStore) List(ctx context.Context, kind, scope string, opts ListOptions) (Page, error) {
	s, err := l.get(ctx)
	if err != nil {
		return Page{}, err
	}
	return s.List(ctx, kind, scope, opts)
}

// Close closes the store if it was opened; it waits for an open under way.
// Every use after Close fails with ErrClosed; closing again does nothing.
func (l *LazyStore) Close() error {
	<-l.sem
	defer func() { l.sem <- struct{}{} }()
	if l.closed {
		return nil
	}
	l.closed = true
	if l.s == nil {
		return nil
	}
	s := l.s
	l.s = nil
	return s.Close()
}

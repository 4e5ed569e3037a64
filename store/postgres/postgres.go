// Package postgres is the store engine for several hosts: a PostgreSQL
// database that every kosmo host of a team shares, so that what one host
// keeps (assistants) the others see.
//
// It runs on github.com/jackc/pgx/v5, with a pool of connections per host.
// The schema is versioned as the SQLite engine's is (a schema_migrations
// table, steps applied once, under an advisory lock so that hosts starting
// together migrate once); it lives in the first schema of the connection's
// search_path, which a URL may set (?search_path=kosmo).
//
// The URL names a secret (its password): errors and listings show it with
// Redact.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kosmo-run/kosmo/internal/secreturl"
	"github.com/kosmo-run/kosmo/store"
)

// DB is a store.Store in a PostgreSQL database. It is safe for concurrent
// use, by any number of hosts.
type DB struct {
	pool *pgxpool.Pool
}

var _ store.Store = (*DB)(nil)

// IsURL reports whether s is a PostgreSQL URL (postgres:// or
// postgresql://), which this engine opens.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Redact returns rawURL with its password, and any password parameter,
// replaced by "xxxxx": the form to show in errors and listings.
func Redact(rawURL string) string { return secreturl.Redact(rawURL) }

// Open connects to the database at rawURL and brings its schema up to
// date. A database whose schema is newer than this build knows is refused
// with ErrSchemaTooNew. Errors show the URL redacted.
func Open(ctx context.Context, rawURL string) (*DB, error) {
	shown := Redact(rawURL)
	cfg, err := pgxpool.ParseConfig(rawURL)
	if err != nil {
		// pgx's parse errors may quote the URL: keep only that it failed.
		return nil, fmt.Errorf("open store %s: not a valid PostgreSQL URL", shown)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", shown, err)
	}
	if err := migrate(ctx, pool, migrations); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open store %s: %w", shown, err)
	}
	return &DB{pool: pool}, nil
}

// Put adds r; store.ErrExists when its id is taken in its kind and scope.
// A nil body is stored as an empty one.
func (d *DB) Put(ctx context.Context, r store.Record) error {
	if r.Kind == "" {
		return errors.New("store put: empty kind")
	}
	if r.ID == "" {
		return fmt.Errorf("store put %s: empty id", r.Kind)
	}
	body := r.Body
	if body == nil {
		body = []byte{}
	}
	tag, err := d.pool.Exec(ctx,
		`INSERT INTO records (kind, scope, id, created_at, body) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (kind, scope, id) DO NOTHING`,
		r.Kind, r.Scope, r.ID, r.CreatedAt, body)
	if err != nil {
		return fmt.Errorf("store put %s %q: %w", r.Kind, r.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("store put %s %q: %w", r.Kind, r.ID, store.ErrExists)
	}
	return nil
}

// Get returns the record of kind, scope and id, or store.ErrNotFound.
func (d *DB) Get(ctx context.Context, kind, scope, id string) (store.Record, error) {
	r := store.Record{Kind: kind, Scope: scope, ID: id}
	err := d.pool.QueryRow(ctx,
		`SELECT created_at, body FROM records WHERE kind = $1 AND scope = $2 AND id = $3`,
		kind, scope, id).Scan(&r.CreatedAt, &r.Body)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Record{}, fmt.Errorf("store get %s %q: %w", kind, id, store.ErrNotFound)
	}
	if err != nil {
		return store.Record{}, fmt.Errorf("store get %s %q: %w", kind, id, err)
	}
	if r.Body == nil {
		r.Body = []byte{}
	}
	return r, nil
}

// The listing queries, by order, without and with a cursor. Records of one
// second are ordered by seq, the order in which they were put.
const (
	listDesc      = `SELECT id, created_at, body FROM records WHERE kind = $1 AND scope = $2 ORDER BY created_at DESC, seq DESC LIMIT $3`
	listAsc       = `SELECT id, created_at, body FROM records WHERE kind = $1 AND scope = $2 ORDER BY created_at ASC, seq ASC LIMIT $3`
	listDescAfter = `SELECT id, created_at, body FROM records WHERE kind = $1 AND scope = $2 AND (created_at, seq) < ($4, $5) ORDER BY created_at DESC, seq DESC LIMIT $3`
	listAscAfter  = `SELECT id, created_at, body FROM records WHERE kind = $1 AND scope = $2 AND (created_at, seq) > ($4, $5) ORDER BY created_at ASC, seq ASC LIMIT $3`
)

// List returns a page of the records of kind and scope: newest first for
// store.Desc (the default), oldest first for store.Asc, starting after the
// record whose id is opts.After when it is set (store.ErrNotFound when
// there is none).
func (d *DB) List(ctx context.Context, kind, scope string, opts store.ListOptions) (store.Page, error) {
	limit, asc, err := opts.Plan()
	if err != nil {
		return store.Page{}, fmt.Errorf("store list %s: %w", kind, err)
	}
	// One more than the page, to know whether more follow; PostgreSQL's
	// LIMIT is a bigint.
	fetch := int64(min(limit, math.MaxInt64-1)) + 1

	query, args := listDesc, []any{kind, scope, fetch}
	if asc {
		query = listAsc
	}
	if opts.After != "" {
		var at, seq int64
		err := d.pool.QueryRow(ctx,
			`SELECT created_at, seq FROM records WHERE kind = $1 AND scope = $2 AND id = $3`,
			kind, scope, opts.After).Scan(&at, &seq)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.Page{}, fmt.Errorf("store list %s after %q: %w", kind, opts.After, store.ErrNotFound)
		}
		if err != nil {
			return store.Page{}, fmt.Errorf("store list %s after %q: %w", kind, opts.After, err)
		}
		query, args = listDescAfter, []any{kind, scope, fetch, at, seq}
		if asc {
			query = listAscAfter
		}
	}

	rows, err := d.pool.Query(ctx, query, args...)
	if err != nil {
		return store.Page{}, fmt.Errorf("store list %s: %w", kind, err)
	}
	records, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Record, error) {
		r := store.Record{Kind: kind, Scope: scope}
		err := row.Scan(&r.ID, &r.CreatedAt, &r.Body)
		if r.Body == nil {
			r.Body = []byte{}
		}
		return r, err
	})
	if err != nil {
		return store.Page{}, fmt.Errorf("store list %s: %w", kind, err)
	}
	return store.NewPage(records, limit), nil
}

// Close closes the pool. Operations after Close fail.
func (d *DB) Close() error {
	d.pool.Close()
	return nil
}

// Package sqlite is the store engine for one machine: a SQLite database in
// one file, shared safely by every kosmo process of the user that opens it.
//
// It runs on modernc.org/sqlite, SQLite translated to Go, so building kosmo
// needs no C toolchain. Every connection is set up for several processes
// at once: the write-ahead log (readers never wait for the writer), a busy
// timeout (a writer waits for another instead of failing at once),
// synchronous=NORMAL (a power failure may lose the last commits but never
// corrupts the file; a crash of the process loses nothing) and foreign keys
// enforced.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	// The "sqlite" database/sql driver, and its errors.
	driver "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/kosmo-run/kosmo/store"
)

// Memory is the path that opens a private in-memory database, gone when it
// is closed: for tests and for running without touching the disk.
const Memory = ":memory:"

// busyTimeout is how long a statement waits for another connection, of
// this process or another, to release the write lock before it fails with
// "database is locked"; and how long an operation is retried when it meets
// the locks that SQLite does not wait for (see retryBusy).
const busyTimeout = 10 * time.Second

// DB is a store.Store in a SQLite database. It is safe for concurrent use,
// and several processes may open the same file at once.
type DB struct {
	db *sql.DB
}

var _ store.Store = (*DB)(nil)

// Open opens the database at path, creating it when it does not exist, and
// brings its schema up to date. Path Memory opens a private in-memory
// database instead.
//
// A new database file gets mode 0600, and a missing parent directory mode
// 0700 (as do missing directories above it): what the store keeps belongs
// to the user alone. The modes of a file or directory that already exist
// are left as they are: the user may have chosen them.
//
// A database whose schema is newer than this build knows is refused with
// ErrSchemaTooNew; it is never downgraded.
func Open(ctx context.Context, path string) (*DB, error) {
	dsn, err := prepare(path)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if path == Memory {
		// Each connection to ":memory:" is a database of its own: keep
		// one, for ever.
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
	}
	if err := retryBusy(ctx, busyTimeout, func() error { return migrate(ctx, db, migrations) }); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return &DB{db: db}, nil
}

// retryBusy runs f until it succeeds, fails otherwise than with
// SQLITE_BUSY, or has been busy for longer than limit in all.
//
// The busy timeout makes a statement wait for the locks of other
// connections, but SQLite returns SQLITE_BUSY at once, without waiting, in
// moments of a WAL database's life: while the last connection to it, in
// another process, closes and cleans up the log, and while a connection
// recovers the log after a crash. Both are short, and the first happens
// whenever one kosmo process exits as another starts, so every operation
// waits them out here. A statement that waited the whole busy timeout is
// not run again: the limit counts from the first try. f must be safe to
// run again after SQLITE_BUSY, which rolled back what it had done.
func retryBusy(ctx context.Context, limit time.Duration, f func() error) error {
	deadline := time.Now().Add(limit)
	wait := time.Millisecond
	for {
		err := f()
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w; gave up waiting: %w", err, context.Cause(ctx))
		case <-t.C:
		}
		wait = min(2*wait, 50*time.Millisecond)
	}
}

// isBusy reports whether err is SQLite's SQLITE_BUSY, in any of its
// extended forms.
func isBusy(err error) bool {
	var e *driver.Error
	return errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_BUSY
}

// prepare creates the database file at path (and its directory) when
// missing, and returns the data source name that opens it.
//
// The pragmas are DSN parameters, so the driver applies them to every
// connection the pool opens, not only the first; busy_timeout comes first
// so that switching a new file to WAL waits for a concurrent opener rather
// than failing. _txlock=immediate makes a write transaction take the write
// lock when it begins: one that began deferred and then wrote could fail
// with "database is locked" at once, without waiting, when another process
// wrote in between.
func prepare(path string) (string, error) {
	params := url.Values{}
	params.Add("_pragma", "foreign_keys(1)")
	params.Set("_txlock", "immediate")
	if path == Memory {
		return Memory + "?" + params.Encode(), nil
	}
	if path == "" {
		return "", errors.New("open store: empty path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("open store %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return "", fmt.Errorf("open store %s: %w", path, err)
	}
	// SQLite would create the file with mode 0644 less the umask; create
	// it first so that it is the user's alone whatever the umask. The WAL
	// and shared-memory files SQLite makes beside it copy its mode.
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return "", fmt.Errorf("open store %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("open store %s: %w", path, err)
	}
	params.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	params.Add("_pragma", "journal_mode(WAL)")
	params.Add("_pragma", "synchronous(NORMAL)")
	// A "file:" URI, so that a path with '?' or '#' in it is still a path:
	// SQLite decodes the %-escapes, and ignores the driver's parameters.
	return "file:" + escapePath(abs) + "?" + params.Encode(), nil
}

// escapePath escapes the characters that end or escape the path of a
// SQLite URI.
func escapePath(p string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(filepath.ToSlash(p))
}

// DefaultPath is where kosmo keeps its store by default:
// $XDG_DATA_HOME/kosmo/kosmo.db when XDG_DATA_HOME is set to an absolute
// path (the XDG base directory specification ignores a relative one), else
// home/.local/share/kosmo/kosmo.db. home is the user's home directory.
func DefaultPath(getenv func(string) string, home string) string {
	if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "kosmo", "kosmo.db")
	}
	return filepath.Join(home, ".local", "share", "kosmo", "kosmo.db")
}

// insertRecord adds a record, or nothing when its id is taken.
const insertRecord = `INSERT INTO records (kind, scope, id, created_at, body) VALUES (?, ?, ?, ?, ?)
	ON CONFLICT (kind, scope, id) DO NOTHING`

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
	var res sql.Result
	err := retryBusy(ctx, busyTimeout, func() (err error) {
		res, err = d.db.ExecContext(ctx, insertRecord, r.Kind, r.Scope, r.ID, r.CreatedAt, body)
		return err
	})
	if err != nil {
		return fmt.Errorf("store put %s %q: %w", r.Kind, r.ID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store put %s %q: %w", r.Kind, r.ID, err)
	}
	if n == 0 {
		return fmt.Errorf("store put %s %q: %w", r.Kind, r.ID, store.ErrExists)
	}
	return nil
}

// Get returns the record of kind, scope and id, or store.ErrNotFound.
func (d *DB) Get(ctx context.Context, kind, scope, id string) (store.Record, error) {
	r := store.Record{Kind: kind, Scope: scope, ID: id}
	err := retryBusy(ctx, busyTimeout, func() error {
		return d.db.QueryRowContext(ctx,
			`SELECT created_at, body FROM records WHERE kind = ? AND scope = ? AND id = ?`,
			kind, scope, id).Scan(&r.CreatedAt, &r.Body)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return store.Record{}, fmt.Errorf("store get %s %q: %w", kind, id, store.ErrNotFound)
	}
	if err != nil {
		return store.Record{}, fmt.Errorf("store get %s %q: %w", kind, id, err)
	}
	return r, nil
}

// The listing queries, by order, without and with a cursor. Records of one
// second are ordered by seq, the order in which they were put.
const (
	listDesc      = `SELECT id, created_at, body FROM records WHERE kind = ? AND scope = ? ORDER BY created_at DESC, seq DESC LIMIT ?`
	listAsc       = `SELECT id, created_at, body FROM records WHERE kind = ? AND scope = ? ORDER BY created_at ASC, seq ASC LIMIT ?`
	listDescAfter = `SELECT id, created_at, body FROM records WHERE kind = ? AND scope = ? AND (created_at, seq) < (?, ?) ORDER BY created_at DESC, seq DESC LIMIT ?`
	listAscAfter  = `SELECT id, created_at, body FROM records WHERE kind = ? AND scope = ? AND (created_at, seq) > (?, ?) ORDER BY created_at ASC, seq ASC LIMIT ?`
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
	// One more than the page, to know whether more follow.
	fetch := limit
	if fetch < math.MaxInt {
		fetch++
	}

	query, args := listDesc, []any{kind, scope, fetch}
	if asc {
		query = listAsc
	}
	if opts.After != "" {
		// Records are never removed, so the cursor found here is still
		// there when the page is read.
		var at, seq int64
		err := retryBusy(ctx, busyTimeout, func() error {
			return d.db.QueryRowContext(ctx,
				`SELECT created_at, seq FROM records WHERE kind = ? AND scope = ? AND id = ?`,
				kind, scope, opts.After).Scan(&at, &seq)
		})
		if errors.Is(err, sql.ErrNoRows) {
			return store.Page{}, fmt.Errorf("store list %s after %q: %w", kind, opts.After, store.ErrNotFound)
		}
		if err != nil {
			return store.Page{}, fmt.Errorf("store list %s after %q: %w", kind, opts.After, err)
		}
		query, args = listDescAfter, []any{kind, scope, at, seq, fetch}
		if asc {
			query = listAscAfter
		}
	}

	var records []store.Record
	err = retryBusy(ctx, busyTimeout, func() (err error) {
		records, err = d.query(ctx, kind, scope, min(fetch, 100), query, args...)
		return err
	})
	if err != nil {
		return store.Page{}, fmt.Errorf("store list %s: %w", kind, err)
	}
	return store.NewPage(records, limit), nil
}

// query runs a listing query and returns its records, of kind and scope;
// capacity is the first size of the slice.
func (d *DB) query(ctx context.Context, kind, scope string, capacity int, query string, args ...any) ([]store.Record, error) {
	rows, err := d.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	records := make([]store.Record, 0, capacity)
	for rows.Next() {
		r := store.Record{Kind: kind, Scope: scope}
		if err := rows.Scan(&r.ID, &r.CreatedAt, &r.Body); err != nil {
			return nil, err
		}
		records = append(records, r)
	}
	return records, rows.Err()
}

// Close closes the database. Operations after Close fail.
func (d *DB) Close() error {
	if err := d.db.Close(); err != nil {
		return fmt.Errorf("store close: %w", err)
	}
	return nil
}

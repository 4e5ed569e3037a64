package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// migrations are the schema's steps, oldest first: the schema at version n
// is the first n steps applied in order. A step, once released, never
// changes; a change to the schema is a new step at the end.
var migrations = []string{
	// 1: records. seq orders records put in the same second and is never
	// reused (AUTOINCREMENT), so a listing's order is stable.
	`CREATE TABLE records (
		seq        INTEGER PRIMARY KEY AUTOINCREMENT,
		kind       TEXT    NOT NULL,
		scope      TEXT    NOT NULL,
		id         TEXT    NOT NULL,
		created_at INTEGER NOT NULL,
		body       BLOB    NOT NULL,
		UNIQUE (kind, scope, id)
	) STRICT;
	CREATE INDEX records_by_time ON records (kind, scope, created_at, seq);`,
}

// migrationsTable is the table that records which steps a database has.
const migrationsTable = "schema_migrations"

// ErrSchemaTooNew is a database whose schema a newer build of kosmo wrote.
// Open refuses it rather than read or write it with an older schema.
var ErrSchemaTooNew = errors.New("database schema is newer than this build of kosmo knows")

// migrate brings the database's schema up to the steps in steps. It first
// reads the version without a write lock, so opening an up-to-date
// database never waits for a writer; when steps are missing it applies
// them in one BEGIN IMMEDIATE transaction, which takes the write lock
// before reading the version again, so of several processes opening a new
// file at once exactly one migrates and the others find the work done.
func migrate(ctx context.Context, db *sql.DB, steps []string) error {
	v, err := readVersion(ctx, db)
	if err != nil {
		return err
	}
	if err := checkVersion(v, len(steps)); err != nil || v == len(steps) {
		return err
	}

	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return fmt.Errorf("migrate: begin: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			// The context may be the reason of the failure: roll back
			// regardless of it. A connection whose transaction could not
			// be rolled back is discarded with the error database/sql
			// reports for it.
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		}
	}()

	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS `+migrationsTable+` (
		version    INTEGER PRIMARY KEY,
		applied_at INTEGER NOT NULL
	) STRICT`); err != nil {
		return fmt.Errorf("migrate: create %s: %w", migrationsTable, err)
	}
	if err := conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM `+migrationsTable).Scan(&v); err != nil {
		return fmt.Errorf("migrate: read version: %w", err)
	}
	if err := checkVersion(v, len(steps)); err != nil {
		return err
	}
	now := time.Now().Unix()
	for i := v; i < len(steps); i++ {
		if _, err := conn.ExecContext(ctx, steps[i]); err != nil {
			return fmt.Errorf("migrate: step %d: %w", i+1, err)
		}
		if _, err := conn.ExecContext(ctx, `INSERT INTO `+migrationsTable+` (version, applied_at) VALUES (?, ?)`, i+1, now); err != nil {
			return fmt.Errorf("migrate: record step %d: %w", i+1, err)
		}
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("migrate: commit: %w", err)
	}
	committed = true
	return nil
}

// readVersion returns the schema version of db, 0 for a database that has
// none yet, without taking the write lock.
func readVersion(ctx context.Context, db *sql.DB) (int, error) {
	var n int
	if err := db.QueryRowContext(ctx,
		`SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = ?`, migrationsTable,
	).Scan(&n); err != nil {
		return 0, fmt.Errorf("migrate: read version: %w", err)
	}
	if n == 0 {
		return 0, nil
	}
	var v int
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM `+migrationsTable).Scan(&v); err != nil {
		return 0, fmt.Errorf("migrate: read version: %w", err)
	}
	return v, nil
}

// checkVersion refuses a database at version have when this build knows
// only the first known steps: a newer build wrote it, and reading or
// writing it with an older schema could corrupt what the newer one keeps.
func checkVersion(have, known int) error {
	if have > known {
		return fmt.Errorf("%w: it is at version %d, this build knows versions up to %d; use a newer kosmo or another database file",
			ErrSchemaTooNew, have, known)
	}
	return nil
}

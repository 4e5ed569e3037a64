package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migrations are the schema's steps, oldest first: the schema at version n
// is the first n steps applied in order. A step, once released, never
// changes; a change to the schema is a new step at the end. They keep the
// same records as the SQLite engine's steps of the same number.
var migrations = []string{
	// 1: records. seq orders records put in the same second; it is never
	// reused, so a listing's order is stable.
	`CREATE TABLE records (
		seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		kind       TEXT   NOT NULL,
		scope      TEXT   NOT NULL,
		id         TEXT   NOT NULL,
		created_at BIGINT NOT NULL,
		body       BYTEA  NOT NULL,
		UNIQUE (kind, scope, id)
	);
	CREATE INDEX records_by_time ON records (kind, scope, created_at, seq);`,
}

// migrationsTable is the table that records which steps a database has.
const migrationsTable = "schema_migrations"

// migrationLock is the key of the transaction-level advisory lock that
// migrating hosts take: of several hosts opening a new database at once,
// one migrates and the others wait, then find the work done.
const migrationLock = 0x6b6f736d6f // "kosmo"

// ErrSchemaTooNew is a database whose schema a newer build of kosmo wrote.
// Open refuses it rather than read or write it with an older schema.
var ErrSchemaTooNew = errors.New("database schema is newer than this build of kosmo knows")

// migrate brings the schema of the database (in the pool's search_path)
// up to steps, in one transaction holding the advisory lock.
func migrate(ctx context.Context, pool *pgxpool.Pool, steps []string) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLock)); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+migrationsTable+` (
			version    INTEGER PRIMARY KEY,
			applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
		)`); err != nil {
			return fmt.Errorf("migrate: create %s: %w", migrationsTable, err)
		}
		var v int
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM `+migrationsTable).Scan(&v); err != nil {
			return fmt.Errorf("migrate: read version: %w", err)
		}
		if v > len(steps) {
			return fmt.Errorf("%w: it is at version %d, this build knows versions up to %d; use a newer kosmo or another database",
				ErrSchemaTooNew, v, len(steps))
		}
		for i := v; i < len(steps); i++ {
			if _, err := tx.Exec(ctx, steps[i]); err != nil {
				return fmt.Errorf("migrate: step %d: %w", i+1, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO `+migrationsTable+` (version) VALUES ($1)`, i+1); err != nil {
				return fmt.Errorf("migrate: record step %d: %w", i+1, err)
			}
		}
		return nil
	})
}

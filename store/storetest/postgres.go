package storetest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// PostgresURLEnv names the PostgreSQL database tests use; they skip when it
// is unset.
const PostgresURLEnv = "KOSMO_TEST_POSTGRES_URL"

// PostgresURL returns the test database's URL, or skips the test with a
// line saying how to run it.
func PostgresURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv(PostgresURLEnv)
	if u == "" {
		t.Skip(PostgresURLEnv + " is not set: run `source .ci/services.sh` (starts PostgreSQL and Redis) and test again")
	}
	return u
}

// PostgresSchema returns a URL of the test database whose search_path is a
// new, empty schema, dropped with the test, so that tests never see each
// other's records.
func PostgresSchema(t *testing.T) string {
	t.Helper()
	base := PostgresURL(t)
	ctx := t.Context()
	conn, err := pgx.Connect(ctx, base)
	require.NoError(t, err)
	defer conn.Close(context.WithoutCancel(ctx))
	schema := fmt.Sprintf("t_%d", time.Now().UnixNano())
	_, err = conn.Exec(ctx, "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx := context.Background()
		if c, err := pgx.Connect(ctx, base); err == nil {
			_, _ = c.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
			_ = c.Close(ctx)
		}
	})
	u, err := url.Parse(base)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

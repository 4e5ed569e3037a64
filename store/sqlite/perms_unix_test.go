//go:build unix

package sqlite

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/store"
)

// TestPermissions runs alone (not in parallel): it clears the process's
// umask, so that the modes it checks are the ones Open asks for and not
// what a umask happened to leave of SQLite's defaults.
func TestPermissions(t *testing.T) {
	ctx := t.Context()
	old := syscall.Umask(0)
	t.Cleanup(func() { syscall.Umask(old) })

	base := t.TempDir()
	path := filepath.Join(base, "a", "b", "kosmo.db")
	db, err := Open(ctx, path)
	require.NoError(t, err)
	require.NoError(t, db.Put(ctx, store.Record{Kind: "k", Scope: "s", ID: "x", Body: []byte(`{}`)}))

	mode := func(p string) os.FileMode {
		t.Helper()
		fi, err := os.Stat(p)
		require.NoError(t, err)
		return fi.Mode().Perm()
	}
	assert.Equal(t, os.FileMode(0o600), mode(path), "database file")
	assert.Equal(t, os.FileMode(0o700), mode(filepath.Dir(path)), "its directory")
	assert.Equal(t, os.FileMode(0o700), mode(filepath.Join(base, "a")), "the directory above")
	// SQLite gives the write-ahead log and shared-memory files the
	// database file's mode.
	for _, side := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(path + side); err == nil {
			assert.Equal(t, os.FileMode(0o600), mode(path+side), side)
		}
	}
	require.NoError(t, db.Close())

	// Modes the user chose are kept.
	chosen := filepath.Join(base, "shared")
	require.NoError(t, os.Mkdir(chosen, 0o750))
	own := filepath.Join(chosen, "kosmo.db")
	require.NoError(t, os.WriteFile(own, nil, 0o640))
	db, err = Open(ctx, own)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	assert.Equal(t, os.FileMode(0o640), mode(own))
	assert.Equal(t, os.FileMode(0o750), mode(chosen))
}

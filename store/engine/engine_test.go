package engine

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestResolve(t *testing.T) {
	const secretURL = "postgres://kosmo:pw-s3cret@db.internal:5432/kosmo"
	urlFile := filepath.Join(t.TempDir(), "store-url")
	require.NoError(t, os.WriteFile(urlFile, []byte(secretURL+"\n"), 0o600))
	env := Env{
		Getenv:      envMap{"STORE_URL": secretURL, "STORE_PATH": "/data/k.db"}.get,
		DefaultPath: "/home/u/.local/share/kosmo/kosmo.db",
	}
	cases := []struct {
		setting, engine, location, shown, err string
	}{
		{"", SQLite, env.DefaultPath, env.DefaultPath, ""},
		{"/tmp/k.db", SQLite, "/tmp/k.db", "/tmp/k.db", ""},
		{secretURL, Postgres, secretURL, "postgres://kosmo:xxxxx@db.internal:5432/kosmo", ""},
		{"postgresql://u@h/d", Postgres, "postgresql://u@h/d", "postgresql://u@h/d", ""},
		{"env:STORE_URL", Postgres, secretURL, "postgres://kosmo:xxxxx@db.internal:5432/kosmo (from environment variable STORE_URL)", ""},
		{"env:STORE_PATH", SQLite, "/data/k.db", "/data/k.db (from environment variable STORE_PATH)", ""},
		{"file:" + urlFile, Postgres, secretURL, "postgres://kosmo:xxxxx@db.internal:5432/kosmo (from file " + urlFile + ")", ""},
		{"env:NOPE", "", "", "", "store: environment variable NOPE (store: env:NOPE) is not set"},
		{"env:", "", "", "", "store: env: needs the name of an environment variable, e.g. env:KOSMO_STORE_URL"},
		{"file:/nonexistent/url", "", "", "", "store: cannot read the file /nonexistent/url (store: file:/nonexistent/url): no such file or directory"},
		{"mysql://u:pw-s3cret@h/d", "", "", "", `store: unknown engine "mysql://": a file path (SQLite) or postgres://… expected`},
	}
	for _, c := range cases {
		t.Run(c.setting, func(t *testing.T) {
			got, err := Resolve(c.setting, env)
			if c.err != "" {
				require.EqualError(t, err, c.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, Target{Engine: c.engine, Location: c.location, Shown: c.shown}, got)
		})
	}
}

func TestResolveEmptyFile(t *testing.T) {
	_, err := Resolve("file:x", Env{ReadFile: func(string) ([]byte, error) { return []byte(" \n"), nil }})
	require.EqualError(t, err, "store: the file x (store: file:x) is empty")
	_, err = Resolve("file:x", Env{ReadFile: func(string) ([]byte, error) { return nil, errors.New("denied") }})
	require.EqualError(t, err, "store: cannot read the file x (store: file:x): denied")
}

// TestResolveRefusesMistypedURLs: a value that reads as a mistyped URL or
// a key=value connection string is refused without being shown, never
// used as a SQLite path (whose file name would keep its password).
func TestResolveRefusesMistypedURLs(t *testing.T) {
	const secret = "sSECRET"
	env := Env{Getenv: envMap{"MYDB": "postgres//u:" + secret + "@h/db"}.get}
	cases := []struct{ setting, from string }{
		{"postgres//u:" + secret + "@h/db", ""},
		{"postgresql:/u:" + secret + "@h/db", ""},
		{"redis//:" + secret + "@host", ""},
		{"Postgres:u:" + secret + "@h/db", ""},
		{"u:" + secret + "@db.internal/kosmo", ""},
		{"host=h password=" + secret + " dbname=x", ""},
		{"host=h dbname=x user=u", ""},
		{"/tmp/db?password=" + secret, ""},
		{"env:MYDB", " (from environment variable MYDB)"},
	}
	for _, c := range cases {
		t.Run(c.setting, func(t *testing.T) {
			_, err := Resolve(c.setting, env)
			require.ErrorIs(t, err, ErrMistypedURL)
			assert.True(t, strings.HasPrefix(err.Error(), "store: the value"+c.from+" looks like a mistyped URL"), err.Error())
			assert.NotContains(t, err.Error(), secret)
		})
	}
	for _, path := range []string{"/var/lib/kosmo/kosmo.db", "postgres/kosmo.db", "/home/u/a@b/kosmo.db", "C-drive/user-data.db", "./kosmo=1.db"} {
		got, err := Resolve(path, env)
		require.NoError(t, err, path)
		assert.Equal(t, SQLite, got.Engine)
	}
}

type envMap map[string]string

func (m envMap) get(k string) string { return m[k] }

package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStoreFilesProtected: whatever way store: and rate_limit_store: name
// their values (a path, env:NAME, file:PATH), no file grant reaches the
// SQLite store they resolve to (nor its -wal, -shm and -journal files)
// or the files holding their URLs, and the passwords of those URLs are
// scrubbed from what fs.read returns.
func TestStoreFilesProtected(t *testing.T) {
	const pgSecret, redisSecret, querySecret = "pgSECRET-4a1", "redisSECRET-9b2", "qSECRET-7c3"
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(text), 0o600))
		return p
	}
	pgURL := "postgres://kosmo:" + pgSecret + "@127.0.0.1:1/kosmo"
	redisURL := "redis://:" + redisSecret + "@127.0.0.1:1/0"
	pgFile, redisFile := write("pg.url", pgURL+"\n"), write("redis.url", redisURL+"\n")
	notes := write("notes.txt", pgURL+" "+redisURL+" postgres://h/db?password="+querySecret)
	sqlitePath := filepath.Join(dir, "e.db")
	pathFile := write("path.txt", sqlitePath)

	const read = `
for _, p in ipairs({...}) do
  local ok, v = pcall(fs.read, p)
  print(ok and ("read: " .. v) or "refused")
end`
	const write_ = `
for _, p in ipairs({...}) do
  local ok = pcall(fs.write, p, "x")
  print(ok and "written" or "refused")
end`
	tests := []struct {
		name     string
		config   string
		vars     map[string]string
		flag     string
		script   string
		paths    []string
		want     string
		notWants []string
	}{
		{"store and rate_limit_store in files", "store: file:" + pgFile + "\nrate_limit_store: file:" + redisFile + "\n", nil,
			"--allow-read", read, []string{pgFile, redisFile}, "refused\nrefused\n", nil},
		{"their passwords scrubbed", "store: file:" + pgFile + "\nrate_limit_store: file:" + redisFile + "\n", nil,
			"--allow-read", read, []string{notes}, "read: ", []string{pgSecret, redisSecret}},
		{"a password parameter scrubbed", "store: env:MYDB\n", map[string]string{"MYDB": "postgres://h/db?password=" + querySecret},
			"--allow-read", read, []string{notes}, "read: ", []string{querySecret}},
		{"SQLite store named by env:", "store: env:MYDB\n", map[string]string{"MYDB": sqlitePath},
			"--allow-write", write_, []string{sqlitePath, sqlitePath + "-wal", sqlitePath + "-shm", sqlitePath + "-journal"}, "refused\nrefused\nrefused\nrefused\n", nil},
		{"SQLite store named by file:", "store: file:" + pathFile + "\n", nil,
			"--allow-write", write_, []string{sqlitePath, pathFile}, "refused\nrefused\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"run", "--fake", "--config", writeConfig(t, tt.config), tt.flag, dir, "-e", tt.script, "--"}, tt.paths...)
			r := runCLI(t, context.Background(), tt.vars, args...)
			require.Equal(t, ExitOK, r.code, r.stderr)
			assert.Contains(t, r.stdout, tt.want)
			for _, s := range tt.notWants {
				assert.NotContains(t, r.stdout, s)
			}
		})
	}
	assert.NoFileExists(t, sqlitePath)
}

// TestMistypedStoreRefused: a store value that reads as a mistyped URL is
// a config error at start, which never shows it.
func TestMistypedStoreRefused(t *testing.T) {
	const secret = "sSECRET-5d8"
	for _, setting := range []string{"postgres//u:" + secret + "@h/db", "host=h password=" + secret + " dbname=x"} {
		t.Run(setting, func(t *testing.T) {
			vars := map[string]string{"OPENAI_API_KEY": "sk-test", "KOSMO_STORE": setting}
			r := runCLI(t, context.Background(), vars, "run", "-e", "return 1")
			assert.Equal(t, ExitConfig, r.code, r.stderr)
			assert.Contains(t, r.stderr, "store: the value looks like a mistyped URL")
			assert.NotContains(t, r.stdout+r.stderr, secret)
		})
	}
}

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/store/storetest"
)

// TestAssistantsAcrossHostsOnPostgres: kosmo processes sharing one
// PostgreSQL store (its URL, with a password, from an environment
// variable named by store: env:NAME) create assistants at once and lose
// none; an assistant created through one is listed and run through
// another; no output shows the password.
func TestAssistantsAcrossHostsOnPostgres(t *testing.T) {
	const password = "pg-s3cret-pw"
	u, err := url.Parse(storetest.PostgresSchema(t))
	require.NoError(t, err)
	u.User = url.UserPassword(u.User.Username(), password) // trust auth ignores it
	vars, db := assistantsServer(t)
	vars["KOSMO_STORE_URL"] = u.String()
	cfg := writeConfig(t, "store: env:KOSMO_STORE_URL\n")
	withCfg := func(args ...string) []string { return append([]string{"--config", cfg}, args...) }

	const hosts, each = 2, 10
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		made []string
	)
	for h := range hosts {
		wg.Go(func() {
			out := runProcess(t, vars, withCfg("run", "-e", fmt.Sprintf(`
				local openai, ids = app.integrations.openai, {}
				for i = 1, %d do
					ids[#ids + 1] = openai.openai_create_assistant({ model = "gpt-4o", name = "h%d-" .. i }).id
				end
				return ids`, each, h))...)
			assert.NotContains(t, out, password)
			var ids []string
			if assert.NoError(t, json.Unmarshal([]byte(out), &ids), out) {
				mu.Lock()
				made = append(made, ids...)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	require.Len(t, made, hosts*each)

	// One host creates, the other lists and runs.
	out := runProcess(t, vars, withCfg("run", "-e", `
		return app.integrations.openai.openai_create_assistant({ model = "gpt-4o", name = "Kept", instructions = "Be brief." }).id`)...)
	var id string
	require.NoError(t, json.Unmarshal([]byte(strings.TrimSpace(out)), &id), out)
	out = runProcess(t, vars, withCfg("run", "-e", fmt.Sprintf(`
		local openai, ids = app.integrations.openai, {}
		for _, a in ipairs(openai.openai_list_assistants({ limit = 100 }).data) do ids[#ids + 1] = a.id end
		local thread = openai.openai_create_thread({ messages = { { role = "user", content = "Hello again" } } })
		local run = openai.openai_create_run({ thread_id = thread.id, assistant_id = %q })
		while run.status == "queued" or run.status == "in_progress" do
			run = openai.openai_get_run({ thread_id = thread.id, run_id = run.id })
		end
		return ids, run.status, run.instructions`, id))...)
	var listed []string
	dec := json.NewDecoder(strings.NewReader(out))
	require.NoError(t, dec.Decode(&listed), out)
	var status, instructions string
	require.NoError(t, dec.Decode(&status), out)
	require.NoError(t, dec.Decode(&instructions), out)
	assert.Equal(t, "completed", status)
	assert.Equal(t, "Be brief.", instructions)
	want := append(append([]string{}, made...), id)
	sort.Strings(want)
	sort.Strings(listed)
	assert.Equal(t, want, listed, "every assistant of every host, once")

	// They are in PostgreSQL, not in a file of one host.
	conn, err := pgx.Connect(t.Context(), u.String())
	require.NoError(t, err)
	defer conn.Close(context.Background())
	var n int
	require.NoError(t, conn.QueryRow(t.Context(), `SELECT count(*) FROM records WHERE kind = 'openai.assistant'`).Scan(&n))
	assert.Equal(t, len(want), n)
	assert.NoFileExists(t, db)
}

// TestStoreURLNeverShown: a PostgreSQL store that cannot be reached fails
// the call with an error that names the store without its password.
func TestStoreURLNeverShown(t *testing.T) {
	const password = "pg-s3cret-pw"
	vars, _ := assistantsServer(t)
	for _, setting := range []struct{ name, store string }{
		{"KOSMO_STORE", "postgres://kosmo:" + password + "@127.0.0.1:1/kosmo?connect_timeout=5"},
		{"env", "env:KOSMO_STORE_URL"},
	} {
		t.Run(setting.name, func(t *testing.T) {
			vars["KOSMO_STORE"] = setting.store
			vars["KOSMO_STORE_URL"] = "postgres://kosmo:" + password + "@127.0.0.1:1/kosmo?connect_timeout=5"
			r := runCLI(t, context.Background(), vars, "run", "-e",
				`return app.integrations.openai.openai_create_assistant({ model = "gpt-4o" }).id`)
			assert.NotEqual(t, 0, r.code)
			assert.Contains(t, r.stdout+r.stderr, "postgres://kosmo:xxxxx@127.0.0.1:1/kosmo")
			assert.NotContains(t, r.stdout+r.stderr, password)
		})
	}
}

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
)

// TestAssistantsScriptOnBothBackends: scripts/assistants.lua, unchanged,
// prints the same lines on today's API (the default fake) and on the
// Assistants API (an account with assistants: native, against a fake that
// still serves it), and its call log shows which endpoints each used.
func TestAssistantsScriptOnBothBackends(t *testing.T) {
	want, err := os.ReadFile("../../testdata/scripts/assistants.out")
	require.NoError(t, err)
	native := writeConfig(t, `integrations:
  openai:
    accounts:
      default:
        api_key: sk-unused-with-fake
        assistants: native
`)
	for _, tt := range []struct {
		name      string
		args      []string
		endpoints []string
	}{
		{"responses", nil, []string{"POST /conversations", "POST /conversations/{conversation_id}/items", "POST /responses",
			"GET /responses/{response_id}", "GET /conversations/{conversation_id}/items"}},
		{"native", []string{"--config", native}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{}, tt.args...), "run", "--fake", "../../scripts/assistants.lua")
			r := runCLI(t, context.Background(), nil, args...)
			require.Equal(t, 0, r.code, r.stderr)
			assert.Equal(t, string(want), r.stdout)

			args = append(append([]string{}, tt.args...), "run", "--fake", "--json", "../../scripts/assistants.lua")
			r = runCLI(t, context.Background(), nil, args...)
			require.Equal(t, 0, r.code, r.stderr)
			var env runEnvelope
			require.NoError(t, json.Unmarshal([]byte(r.stdout), &env))
			seen := map[string]bool{}
			for _, c := range env.Calls {
				for _, req := range c.Requests {
					seen[req.Method+" "+req.Endpoint] = true
					assert.Equal(t, 200, req.Status, c.Function)
				}
				if c.Function == "openai_create_assistant" && tt.endpoints != nil {
					assert.Empty(t, c.Requests, "kept by kosmo")
				}
			}
			for _, e := range tt.endpoints {
				assert.True(t, seen[e], "%s was called: %v", e, seen)
			}
			if tt.endpoints == nil {
				for e := range seen {
					assert.True(t, strings.Contains(e, "/threads") || strings.Contains(e, "/assistants"), "native: %s", e)
				}
			}
		})
	}
}

// assistantsServer is a fake OpenAI that outlives several kosmo runs, and
// the environment that points kosmo at it with its store in dir.
func assistantsServer(t *testing.T) (map[string]string, string) {
	t.Helper()
	srv := openaitest.NewServer()
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	return map[string]string{
		"OPENAI_API_KEY":  openaitest.DefaultAPIKey,
		"OPENAI_BASE_URL": srv.BaseURL(),
		"XDG_DATA_HOME":   dir,
	}, filepath.Join(dir, "kosmo", "kosmo.db")
}

// TestAssistantsOutliveARun: an assistant made by one kosmo run is listed
// and run by a later one; the store is a private file under the XDG data
// directory, created only when a script first needs it.
func TestAssistantsOutliveARun(t *testing.T) {
	vars, db := assistantsServer(t)
	r := runCLI(t, context.Background(), vars, "run", "-e", `return #app.integrations.openai.openai_list_models().data > 0`)
	require.Equal(t, 0, r.code, r.stderr)
	assert.NoFileExists(t, db, "a script that keeps nothing creates no store")

	r = runCLI(t, context.Background(), vars, "run", "-e", `
		return app.integrations.openai.openai_create_assistant({ model = "gpt-4.1-nano", name = "Kept", instructions = "Be brief." }).id`)
	require.Equal(t, 0, r.code, r.stderr)
	var id string
	require.NoError(t, json.Unmarshal([]byte(strings.TrimSpace(r.stdout)), &id))
	require.True(t, strings.HasPrefix(id, "asst_"), r.stdout)
	st, err := os.Stat(db)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "the store is private")
	dir, err := os.Stat(filepath.Dir(db))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), dir.Mode().Perm())

	r = runCLI(t, context.Background(), vars, "run", "-e", fmt.Sprintf(`
		local openai = app.integrations.openai
		local listed = openai.openai_list_assistants()
		assert(listed.data[1].id == %q and listed.data[1].name == "Kept", "listed by a later run")
		local thread = openai.openai_create_thread({ messages = { { role = "user", content = "Hello again" } } })
		local run = openai.openai_create_run({ thread_id = thread.id, assistant_id = %q })
		while run.status == "queued" or run.status == "in_progress" do
			run = openai.openai_get_run({ thread_id = thread.id, run_id = run.id })
		end
		return run.status, run.instructions, openai.openai_list_thread_messages({ thread_id = thread.id }).data[1].content[1].text.value`, id, id))
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "\"completed\"\n\"Be brief.\"\n\"This is a fake reply to: Hello again\"\n", r.stdout)
}

// TestAssistantsStoreSettings: KOSMO_STORE and the config file's store key
// name the file; --fake keeps assistants in memory, touching no file.
func TestAssistantsStoreSettings(t *testing.T) {
	vars, defaultDB := assistantsServer(t)
	create := []string{"run", "-e", `return app.integrations.openai.openai_create_assistant({ model = "gpt-4.1-nano" }).id`}

	fromEnv := filepath.Join(t.TempDir(), "env.db")
	vars["KOSMO_STORE"] = fromEnv
	r := runCLI(t, context.Background(), vars, create...)
	require.Equal(t, 0, r.code, r.stderr)
	assert.FileExists(t, fromEnv)
	delete(vars, "KOSMO_STORE")

	fromFile := filepath.Join(t.TempDir(), "file.db")
	cfg := writeConfig(t, "store: "+fromFile+"\n")
	r = runCLI(t, context.Background(), vars, append([]string{"--config", cfg}, create...)...)
	require.Equal(t, 0, r.code, r.stderr)
	assert.FileExists(t, fromFile)

	r = runCLI(t, context.Background(), vars, "run", "--fake", "-e", `
		local a = app.integrations.openai.openai_create_assistant({ model = "gpt-4.1-nano" })
		return #app.integrations.openai.openai_list_assistants().data`)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "1\n", r.stdout)
	assert.NoFileExists(t, defaultDB, "--fake keeps assistants in memory")
}

// TestAssistantsFromParallelProcesses: several kosmo processes creating and
// listing assistants in one store at once lose nothing.
func TestAssistantsFromParallelProcesses(t *testing.T) {
	vars, db := assistantsServer(t)
	const processes, each = 4, 15
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		made []string
	)
	for p := range processes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out := runProcess(t, vars, "run", "-e", fmt.Sprintf(`
				local openai, ids = app.integrations.openai, {}
				for i = 1, %d do
					ids[#ids + 1] = openai.openai_create_assistant({ model = "gpt-4.1-nano", name = "p%d-" .. i }).id
					assert(#openai.openai_list_assistants({ limit = 100 }).data >= i, "sees its own")
				end
				return ids`, each, p))
			var ids []string
			if err := json.Unmarshal([]byte(out), &ids); err != nil {
				t.Errorf("process %d: %v: %s", p, err, out)
				return
			}
			mu.Lock()
			made = append(made, ids...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	require.Len(t, made, processes*each)
	r := runCLI(t, context.Background(), vars, "run", "-e", `
		local ids = {}
		for _, a in ipairs(app.integrations.openai.openai_list_assistants({ limit = 100 }).data) do ids[#ids + 1] = a.id end
		return ids`)
	require.Equal(t, 0, r.code, r.stderr)
	var listed []string
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &listed))
	sort.Strings(made)
	sort.Strings(listed)
	assert.Equal(t, made, listed, "every assistant of every process, once")
	assert.FileExists(t, db)
}

// runProcess runs kosmo with args in a process of its own (this test
// binary, re-executed as kosmo) with exactly vars as its environment, and
// returns its standard output.
func runProcess(t *testing.T, vars map[string]string, args ...string) string {
	cmd := exec.Command(os.Args[0], "-test.run=^TestKosmoProcess$", "-test.count=1")
	data, err := json.Marshal(args)
	require.NoError(t, err)
	cmd.Env = []string{processArgsEnv + "=" + string(data), "HOME=" + t.TempDir()}
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Errorf("kosmo %v: %v: %s", args, err, stderr.String())
	}
	return string(out)
}

// processArgsEnv carries the arguments of a kosmo process that runProcess
// starts.
const processArgsEnv = "KOSMO_TEST_PROCESS_ARGS"

// TestKosmoProcess is kosmo itself when runProcess starts this binary: it
// runs Main with the process's environment and exits with its code.
func TestKosmoProcess(t *testing.T) {
	raw := os.Getenv(processArgsEnv)
	if raw == "" {
		t.Skip("only run by runProcess")
	}
	var args []string
	require.NoError(t, json.Unmarshal([]byte(raw), &args))
	ctx, stop := interruptible() // as main does
	code := Main(ctx, args, ProcessEnv())
	stop()
	os.Exit(code)
}

// TestDroppedParametersAreSaidOnce: with drop_params, a parameter the model
// refuses is dropped, said once on standard error however often it is
// dropped, and kept in the call log.
func TestDroppedParametersAreSaidOnce(t *testing.T) {
	cfg := writeConfig(t, `integrations:
  openai:
    accounts:
      default:
        api_key: sk-unused-with-fake
        drop_params: true
`)
	src := `for i = 1, 2 do
  app.integrations.openai.openai_chat_completion({ model = "gpt-5.1", temperature = 0.7, messages = { { role = "user", content = "hi" } } })
end`
	r := runCLI(t, context.Background(), nil, "--config", cfg, "run", "--fake", "--json", "-e", src)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, 1, strings.Count(r.stderr, "kosmo: note: openai_chat_completion: dropped 'temperature'"), r.stderr)
	var env runEnvelope
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &env))
	require.Len(t, env.Calls, 2)
	for _, c := range env.Calls {
		require.Len(t, c.Notes, 1)
		assert.Contains(t, c.Notes[0], "dropped 'temperature'")
	}
}

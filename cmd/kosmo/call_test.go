package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
)

// runWithStdin runs the CLI with standard input.
func runWithStdin(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	return runCLIWithStdin(t, context.Background(), nil, stdin, args...)
}

func TestCallArguments(t *testing.T) {
	dir := t.TempDir()
	audio := filepath.Join(dir, "a.bin")
	require.NoError(t, os.WriteFile(audio, []byte{0, 1, 2, 255}, 0o600))
	text := filepath.Join(dir, "prompt.txt")
	require.NoError(t, os.WriteFile(text, []byte("from a file"), 0o600))
	tests := []struct {
		name   string
		fields []string
		typed  []string
		want   map[string]any
		err    string
	}{
		{"strings", []string{"model=gpt-4.1-nano", "a.b=c"}, nil, map[string]any{"model": "gpt-4.1-nano", "a": map[string]any{"b": "c"}}, ""},
		{"string stays a string", []string{"n=3"}, nil, map[string]any{"n": "3"}, ""},
		{"typed", nil, []string{"n=3", "t=0.5", "b=true", "f=false", "z=null", "s=plain"}, map[string]any{"n": 3.0, "t": 0.5, "b": true, "f": false, "z": nil, "s": "plain"}, ""},
		{"json", nil, []string{`tools=[{"type":"code_interpreter"}]`, `rf={"type":"json_object"}`}, map[string]any{"tools": []any{map[string]any{"type": "code_interpreter"}}, "rf": map[string]any{"type": "json_object"}}, ""},
		{"files", nil, []string{"p=@" + text, "file_content=@" + audio + ":base64"}, map[string]any{"p": "from a file", "file_content": "AAEC/w=="}, ""},
		{"nested arrays", []string{"messages[1].role=system", "messages[1].content=be brief", "messages[2].role=user", "messages[2].content=hi"}, nil,
			map[string]any{"messages": []any{map[string]any{"role": "system", "content": "be brief"}, map[string]any{"role": "user", "content": "hi"}}}, ""},
		{"array of strings", []string{"input[1]=a", "input[2]=b"}, nil, map[string]any{"input": []any{"a", "b"}}, ""},
		{"gap", []string{"messages[2].role=user"}, nil, nil, "index 2 leaves a gap"},
		{"zero index", []string{"messages[0].role=user"}, nil, nil, "whole number from 1"},
		{"no equals", []string{"model"}, nil, nil, "key=value expected"},
		{"name on array", []string{"input[1]=a", "input.x=b"}, nil, nil, "not an object"},
		{"missing file", nil, []string{"p=@/nonexistent"}, nil, "cannot read /nonexistent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &app{env: Env{}}
			got, _, err := a.callArgs(context.Background(), &callOptions{fields: tt.fields, typed: tt.typed})
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestCallCommand(t *testing.T) {
	r := runCLI(t, context.Background(), nil, "call", "--fake", "openai.openai_list_models")
	require.Equal(t, 0, r.code, r.stderr)
	var list struct {
		Object string
		Data   []any
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &list))
	assert.Equal(t, "list", list.Object)
	assert.Equal(t, 1, strings.Count(r.stdout, "\n"), "compact when not a terminal")

	r = runCLI(t, context.Background(), nil, "call", "--fake", "openai.chat_completion", "-f", "model=gpt-4.1-nano",
		"-f", "messages[1].role=user", "-f", "messages[1].content=Hello there")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, `"content":"This is a fake reply to: Hello there"`)

	r = runWithStdin(t, `{"model":"text-embedding-3-small","input":["a","b"]}`, "call", "--fake", "openai_create_embedding")
	require.Equal(t, 0, r.code, r.stderr)
	var emb struct {
		Data []struct{ Embedding []float64 }
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &emb))
	require.Len(t, emb.Data, 2)
	assert.Len(t, emb.Data[0].Embedding, 1536)
}

func TestCallEnvelopeAndErrors(t *testing.T) {
	r := runCLI(t, context.Background(), nil, "call", "--fake", "--json", "openai.openai_list_models")
	require.Equal(t, 0, r.code, r.stderr)
	var env struct {
		Function, Account, Operation string
		OK                           bool
		Data                         map[string]any
		Error                        *errorView
		DurationMS                   *int64 `json:"duration_ms"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &env))
	assert.Equal(t, "openai_list_models", env.Function)
	assert.Equal(t, "default", env.Account)
	assert.Equal(t, "read", env.Operation)
	assert.True(t, env.OK)
	assert.Nil(t, env.Error)
	assert.Equal(t, "list", env.Data["object"])
	require.NotNil(t, env.DurationMS)

	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
		errTyp string
	}{
		{"validation like Lua", []string{"openai.openai_create_image", "-f", "prompt=x", "-F", "n=0"}, ExitScript, "openai_create_image: parameter 'n': integer between 1 and 10 expected, got 0", "validation_error"},
		{"unknown key", []string{"openai.openai_chat_completion", "-f", "model=m", "-F", "max_token=3"}, ExitScript, "did you mean 'max_tokens'?", "validation_error"},
		{"api error", []string{"openai.openai_get_run", "-f", "thread_id=thread_x", "-f", "run_id=run_y"}, ExitAPI, "HTTP 404", "invalid_request_error"},
		{"read-only", []string{"--read-only", "openai.openai_create_thread"}, ExitScript, "read-only", "policy_error"},
		{"unknown function", []string{"openai.openai_chat_complete"}, ExitUsage, `did you mean "openai.openai_chat_completion"?`, ""},
		{"unknown account", []string{"--account", "work", "openai.openai_list_models"}, ExitAccount, "work", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"call", "--fake"}, tt.args...)
			r := runCLI(t, context.Background(), nil, args...)
			assert.Equal(t, tt.code, r.code, r.stderr)
			assert.Contains(t, r.stderr, tt.stderr)
			if tt.errTyp == "" {
				return
			}
			r = runCLI(t, context.Background(), nil, append([]string{"call", "--fake", "--json"}, tt.args...)...)
			assert.Equal(t, tt.code, r.code)
			assert.Empty(t, r.stderr, "with --json the error is in the envelope, printed once")
			var env callEnvelope
			require.NoError(t, json.Unmarshal([]byte(r.stdout), &env))
			assert.False(t, env.OK)
			require.NotNil(t, env.Error)
			assert.Equal(t, tt.errTyp, env.Error.Type)
			assert.Contains(t, env.Error.Message, tt.stderr)
		})
	}
}

func TestCallDryRun(t *testing.T) {
	r := runCLI(t, context.Background(), nil, "call", "--fake", "--dry-run", "openai.openai_add_message_to_thread",
		"-f", "thread_id=conv_1", "-f", "role=user", "-f", "content=Hello")
	require.Equal(t, 0, r.code, r.stderr)
	var plan map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &plan))
	assert.Equal(t, true, plan["dry_run"])
	assert.Equal(t, map[string]any{"items": []any{map[string]any{"type": "message", "role": "user", "content": "Hello"}}}, plan["body"])

	r = runCLI(t, context.Background(), nil, "call", "--fake", "--dry-run", "openai.openai_create_assistant", "-f", "model=gpt-4.1-nano", "-f", "name=Helper")
	require.Equal(t, 0, r.code, r.stderr)
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &plan))
	assert.Equal(t, []any{}, plan["requests"], "an assistant is kept by kosmo")
	assert.Equal(t, "Helper", plan["store"].([]any)[0].(map[string]any)["record"].(map[string]any)["name"])
}

func TestRunEvalStdinAndJSON(t *testing.T) {
	r := runCLI(t, context.Background(), nil, "run", "--fake", "-e", `print("out"); return #app.integrations.openai.openai_list_models().data > 0, {a = 1}`)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "out\ntrue\n{\"a\":1}\n", r.stdout, "return values as JSON after the output")

	r = runWithStdin(t, `print("from stdin")`, "run", "-")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "from stdin\n", r.stdout)

	r = runCLI(t, context.Background(), nil, "run", "--fake", "--json", "-e", `print("hello"); app.integrations.openai.openai_list_models(); return 42`)
	require.Equal(t, 0, r.code, r.stderr)
	var env runEnvelope
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &env))
	assert.True(t, env.OK)
	assert.Equal(t, "hello\n", env.Output)
	assert.Equal(t, []any{42.0}, env.Result)
	require.Len(t, env.Calls, 1)
	assert.Equal(t, callView{Function: "openai_list_models", Account: "default", Status: 200, DurationMS: env.Calls[0].DurationMS, Attempts: 1, RequestID: env.Calls[0].RequestID}, env.Calls[0])
	assert.NotEmpty(t, env.Calls[0].RequestID)

	r = runCLI(t, context.Background(), nil, "run", "--fake", "--json", "-e", `print("partial"); app.integrations.openai.openai_get_run{thread_id = "t", run_id = "r"}`)
	assert.Equal(t, ExitAPI, r.code)
	assert.Empty(t, r.stderr)
	env = runEnvelope{}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &env))
	assert.False(t, env.OK)
	assert.Equal(t, "partial\n", env.Output)
	require.NotNil(t, env.Error)
	assert.Equal(t, 404, env.Error.Status)
	assert.Len(t, env.Calls, 1)

	r = runCLI(t, context.Background(), nil, "run", "-e", "x", "also.lua")
	assert.Equal(t, ExitUsage, r.code)
}

func TestVersionAndCompletion(t *testing.T) {
	r := runCLI(t, context.Background(), nil, "version")
	assert.Equal(t, "kosmo dev\n", r.stdout)
	r = runCLI(t, context.Background(), nil, "completion", "bash")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "bash completion")
	for _, cmd := range []string{"run", "call", "doc", "accounts", "fake", "version"} {
		r = runCLI(t, context.Background(), nil, cmd, "--help")
		assert.Equal(t, 0, r.code)
		assert.Contains(t, r.stdout, "Examples:", cmd)
	}
}

func TestDocListSearchJSON(t *testing.T) {
	r := runCLI(t, context.Background(), nil, "doc", "--list")
	require.Equal(t, 0, r.code)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 16)
	assert.Regexp(t, `^integrations\.openai\.openai_list_models\s+List available OpenAI models\.$`, lines[15])

	r = runCLI(t, context.Background(), nil, "doc", "--list", "--json")
	var list []map[string]string
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &list))
	assert.Len(t, list, 16)

	r = runCLI(t, context.Background(), nil, "doc", "--search", "transcribe")
	assert.True(t, strings.HasPrefix(r.stdout, "integrations.openai.openai_transcribe_audio"), r.stdout)
	r = runCLI(t, context.Background(), nil, "doc", "--search", "transcribe", "--json")
	var matches []struct {
		Page  string
		Score float64
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &matches))
	assert.Equal(t, "integrations.openai.openai_transcribe_audio", matches[0].Page)
	r = runCLI(t, context.Background(), nil, "doc", "--search", "zebra", "--json")
	assert.Equal(t, "[]\n", r.stdout)

	r = runCLI(t, context.Background(), nil, "doc", "--json", "integrations.openai.openai_get_run")
	var page struct{ Page, Markdown string }
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &page))
	assert.True(t, strings.HasPrefix(page.Markdown, "## openai_get_run\n"))

	r = runCLI(t, context.Background(), nil, "doc", "--list", "integrations.openai")
	assert.Equal(t, ExitUsage, r.code)
}

func TestTypesCommand(t *testing.T) {
	cfg := writeConfig(t, "integrations:\n  openai:\n    default: work\n    accounts:\n      work:\n        api_key_env: UNSET_IS_FINE_HERE\n      personal:\n        api_key: k\n")
	r := runCLI(t, context.Background(), nil, "--config", cfg, "types")
	require.Equal(t, 0, r.code, r.stderr)
	assert.True(t, strings.HasPrefix(r.stdout, "---@meta\n"))
	assert.Contains(t, r.stdout, "---@field personal kosmo.openai.Functions")
	assert.Contains(t, r.stdout, "---@field work kosmo.openai.Functions")
	out := filepath.Join(t.TempDir(), "kosmo_meta.lua")
	r = runCLI(t, context.Background(), nil, "types", "-o", out)
	require.Equal(t, 0, r.code, r.stderr)
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(data), "function lua_read_doc(page) end")
}

func TestSpinnerOnlyOnATerminal(t *testing.T) {
	fake := openaitestServer(t)
	fake.InjectFault(openaitest.Fault{Path: "/v1/models", Delay: 1500 * time.Millisecond})
	vars := map[string]string{"OPENAI_API_KEY": openaitest.DefaultAPIKey, "OPENAI_BASE_URL": fake.BaseURL()}
	run := func(terminal bool, extra ...string) string {
		var out, errOut strings.Builder
		env := Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return vars[k] },
			HomeDir: t.TempDir(), WorkDir: t.TempDir(), IsTerminal: func(any) bool { return terminal }}
		code := Main(context.Background(), append([]string{"call", "openai.openai_list_models"}, extra...), env)
		require.Equal(t, 0, code, errOut.String())
		return errOut.String()
	}
	assert.Contains(t, run(true), "openai_list_models (default)", "a slow call shows the spinner on a terminal")
	assert.Empty(t, run(false), "never when standard error is not a terminal")
	assert.Empty(t, run(true, "--quiet"), "--quiet turns it off")
}

func openaitestServer(t *testing.T) *openaitest.Server {
	s := openaitest.NewServer()
	t.Cleanup(s.Close)
	return s
}

func TestAuditLog(t *testing.T) {
	log := filepath.Join(t.TempDir(), "audit.jsonl")
	r := runCLI(t, context.Background(), nil, "run", "--fake", "--audit", log, "--read-only", "-e", `
		app.integrations.openai.openai_list_models()
		pcall(app.integrations.openai.openai_get_run, {thread_id = "thread_x", run_id = "run_y"})
		pcall(app.integrations.openai.openai_create_thread, {})`)
	require.Equal(t, 0, r.code, r.stderr)
	r = runCLI(t, context.Background(), nil, "call", "--fake", "--audit", log, "openai.openai_list_models")
	require.Equal(t, 0, r.code, r.stderr)
	data, err := os.ReadFile(log)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	require.Len(t, lines, 4, "one line per call, appended across runs")
	var outcomes []string
	for _, l := range lines {
		var line map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &line))
		for _, k := range []string{"time", "integration", "account", "function", "operation", "outcome", "attempts", "duration_ms"} {
			assert.Contains(t, line, k)
		}
		outcomes = append(outcomes, line["outcome"].(string))
		assert.NotContains(t, l, "thread_x", "never parameter values")
	}
	assert.Equal(t, "ok", outcomes[0])
	assert.Equal(t, "refused", outcomes[2])
	assert.Equal(t, "ok", outcomes[3])
	r = runCLI(t, context.Background(), nil, "run", "--fake", "--audit", "/nonexistent/dir/a.jsonl", "-e", "print(1)")
	assert.Equal(t, ExitUsage, r.code)
}

func TestRunLimitsAndGrants(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "note.txt"), []byte("granted text"), 0o600))
	r := runCLI(t, context.Background(), nil, "run", "--fake", "--allow-read", dir, "-e", `print(fs.read("`+filepath.Join(dir, "note.txt")+`"))`)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "granted text\n", r.stdout)

	r = runCLI(t, context.Background(), nil, "run", "--fake", "-e", `print(fs.read("/etc/hostname"))`)
	assert.Equal(t, ExitScript, r.code)
	assert.Contains(t, r.stderr, "--allow-read")

	r = runCLI(t, context.Background(), nil, "run", "--fake", "--max-memory", "64MiB", "-e",
		`local t = {} for i = 1, 1e8 do t[i] = ("x"):rep(64) .. i end`)
	assert.Equal(t, ExitMemory, r.code, r.stderr)

	start := time.Now()
	r = runCLI(t, context.Background(), nil, "run", "--fake", "--timeout", "10s", "-e",
		`local t = {} for i = 1, 28 do t = {t, t} end app.integrations.openai.openai_create_embedding{model = "text-embedding-3-small", input = t}`)
	assert.Equal(t, ExitScript, r.code)
	assert.Contains(t, r.stderr, "too large to send")
	assert.Less(t, time.Since(start), 8*time.Second, "refused before it is written out")

	r = runCLI(t, context.Background(), nil, "run", "--allow-read", "/nonexistent-dir", "-e", "print(1)")
	assert.Equal(t, ExitUsage, r.code)
}

func TestCallMergesInputAndFlags(t *testing.T) {
	input := filepath.Join(t.TempDir(), "request.json")
	require.NoError(t, os.WriteFile(input, []byte(`{"model":"gpt-4.1-nano","temperature":1,"messages":[{"role":"user","content":"from the file"}]}`), 0o600))
	tests := []struct {
		name     string
		stdin    string
		terminal bool
		opts     callOptions
		want     map[string]any
		err      string
	}{
		{"standard input alone", `{"model":"m","input":"a"}`, false, callOptions{}, map[string]any{"model": "m", "input": "a"}, ""},
		{"flags win over standard input", `{"model":"m","input":"a"}`, false, callOptions{fields: []string{"model=x"}},
			map[string]any{"model": "x", "input": "a"}, ""},
		{"a nested flag changes one field of the input", `{"model":"m","messages":[{"role":"user","content":"a"},{"role":"user","content":"b"}]}`, false,
			callOptions{fields: []string{"messages[2].content=changed", "messages[3].role=user", "messages[3].content=added"}},
			map[string]any{"model": "m", "messages": []any{map[string]any{"role": "user", "content": "a"}, map[string]any{"role": "user", "content": "changed"}, map[string]any{"role": "user", "content": "added"}}}, ""},
		{"typed flags too", `{"model":"m","n":1}`, false, callOptions{typed: []string{"n=2"}}, map[string]any{"model": "m", "n": 2.0}, ""},
		{"--input and flags", "", false, callOptions{input: input, typed: []string{"temperature=0.2"}},
			map[string]any{"model": "gpt-4.1-nano", "temperature": 0.2, "messages": []any{map[string]any{"role": "user", "content": "from the file"}}}, ""},
		{"--input - and flags", `{"model":"m"}`, false, callOptions{input: "-", fields: []string{"input=b"}}, map[string]any{"model": "m", "input": "b"}, ""},
		{"empty standard input and flags", "", false, callOptions{fields: []string{"model=x"}}, map[string]any{"model": "x"}, ""},
		{"a terminal is not read", `{"model":"m"}`, true, callOptions{fields: []string{"input=b"}}, map[string]any{"input": "b"}, ""},
		{"standard input that is not JSON", "line one\nline two\n", false, callOptions{fields: []string{"model=x"}}, nil,
			"standard input is not a JSON object of arguments: invalid character 'l' looking for beginning of value (kosmo call reads standard input when it is not a terminal; give </dev/null when it holds something else)"},
		{"a JSON array", `["a"]`, false, callOptions{}, nil, "standard input is not a JSON object of arguments"},
		{"a field inside a string of the input", `{"model":"m"}`, false, callOptions{fields: []string{"model.name=x"}}, nil, "not an object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &app{env: Env{Stdin: strings.NewReader(tt.stdin), Stderr: io.Discard, IsTerminal: func(any) bool { return tt.terminal }}}
			got, _, err := a.callArgs(context.Background(), &tt.opts)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				assert.Equal(t, ExitUsage, exitCode(err))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}

	// Through the CLI: a dry run shows the body that would be sent.
	r := runWithStdin(t, `{"model":"text-embedding-3-small","input":"from stdin"}`, "call", "--fake", "--dry-run", "openai.create_embedding", "-f", "input=from a flag")
	require.Equal(t, 0, r.code, r.stderr)
	var plan map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &plan))
	body := plan["body"].(map[string]any)
	assert.Equal(t, "text-embedding-3-small", body["model"], "from standard input")
	assert.Equal(t, "from a flag", body["input"], "the flag won")
}

func TestCallHintsAtTheRightFlag(t *testing.T) {
	dir := t.TempDir()
	wav := filepath.Join(dir, "a.wav")
	require.NoError(t, os.WriteFile(wav, []byte("RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00\x80\x3e\x00\x00\x02\x00\x10\x00data\x00\x00\x00\x00"), 0o600))
	chat := []string{"openai.chat_completion", "-f", "model=gpt-4.1-nano", "-f", "messages[1].role=user", "-f", "messages[1].content=hi"}
	transcribe := []string{"openai.transcribe_audio", "-f", "model=whisper-1", "-f", "filename=a.wav"}
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"a number with -f", append(chat, "-f", "temperature=0.5"), ExitScript,
			"kosmo: openai_chat_completion: parameter 'temperature': number expected, got string (hint: -f always sends a string; -F temperature=0.5 sends a number)\n"},
		{"an integer with -f", []string{"openai.create_image", "-f", "prompt=a cat", "-f", "n=2"}, ExitScript,
			"kosmo: openai_create_image: parameter 'n': integer expected, got string (hint: -f always sends a string; -F n=2 sends a number)\n"},
		{"two numbers with -f", append(chat, "-f", "max_tokens=5", "-f", "top_p=1"), ExitScript,
			"(hint: -f always sends a string; -F max_tokens=5 sends a number; -f always sends a string; -F top_p=1 sends a number)\n"},
		{"a word with -f is no number", append(chat, "-f", "temperature=hot"), ExitScript,
			"kosmo: openai_chat_completion: parameter 'temperature': number expected, got string\n"},
		{"a number with -f to a string parameter is fine", []string{"--dry-run", "openai.create_image", "-f", "prompt=42", "-f", "model=gpt-image-2"}, ExitOK, ""},
		{"an unknown parameter gets no hint", append(chat, "-f", "max_token=5"), ExitScript,
			"parameter 'max_token': unknown parameter; did you mean 'max_tokens'?"},
		{"a file without :base64", append(transcribe, "-F", "file_content=@"+wav), ExitScript,
			"(hint: -F file_content=@" + wav + " sends the file as text; -F file_content=@" + wav + ":base64 sends it base64-encoded, as file_content wants)\n"},
		{"a file with :base64", append(transcribe, "-F", "file_content=@"+wav+":base64"), ExitOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, context.Background(), nil, append([]string{"call", "--fake"}, tt.args...)...)
			assert.Equal(t, tt.code, r.code, r.stderr)
			if tt.stderr == "" {
				assert.Empty(t, r.stderr)
				return
			}
			assert.Contains(t, r.stderr, tt.stderr)
			if strings.Contains(tt.stderr, "hint:") {
				assert.Equal(t, 1, strings.Count(r.stderr, "hint:"), "one hint section: %s", r.stderr)
			} else {
				assert.NotContains(t, r.stderr, "hint:")
			}
		})
	}
	r := runCLI(t, context.Background(), nil, append([]string{"call", "--fake", "--json"}, append(chat, "-f", "temperature=0.5")...)...)
	assert.Equal(t, ExitScript, r.code)
	var env struct{ Error errorView }
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &env))
	assert.Equal(t, "validation_error", env.Error.Type)
	assert.Equal(t, "temperature", env.Error.Param)
	assert.Contains(t, env.Error.Message, "(hint: -f always sends a string; -F temperature=0.5 sends a number)")
}

func TestCallTimeout(t *testing.T) {
	fake := openaitestServer(t)
	fake.InjectFault(openaitest.Fault{Path: "/v1/models", Delay: time.Minute})
	fake.InjectFault(openaitest.Fault{Path: "/v1/files", Status: 429, Header: map[string]string{"Retry-After": "30"}})
	vars := map[string]string{"OPENAI_API_KEY": openaitest.DefaultAPIKey, "OPENAI_BASE_URL": fake.BaseURL()}
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"a server that never answers", []string{"--timeout", "300ms", "openai.openai_list_models"}, ExitTimeout,
			"kosmo: openai_list_models: time limit (--timeout 300ms) reached\n"},
		{"the wait between retries", []string{"--timeout", "500ms", "openai.openai_list_files"}, ExitTimeout,
			"kosmo: openai_list_files: time limit (--timeout 500ms) reached\n"},
		{"a call within its time", []string{"--timeout", "30s", "openai.openai_list_assistants"}, ExitOK, ""},
		{"no limit", []string{"--timeout", "0", "openai.openai_list_assistants"}, ExitOK, ""},
		{"not a duration", []string{"--timeout", "soon", "openai.openai_list_models"}, ExitUsage, "invalid argument \"soon\" for \"--timeout\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			r := runCLI(t, context.Background(), vars, append([]string{"call"}, tt.args...)...)
			assert.Equal(t, tt.code, r.code, r.stderr)
			if tt.code == ExitUsage {
				assert.Contains(t, r.stderr, tt.stderr)
			} else {
				assert.Equal(t, tt.stderr, r.stderr)
			}
			assert.Less(t, time.Since(start), 10*time.Second)
		})
	}
	r := runCLI(t, context.Background(), vars, "call", "--json", "--timeout", "300ms", "openai.openai_list_models")
	assert.Equal(t, ExitTimeout, r.code)
	var env struct {
		OK    bool
		Error errorView
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &env))
	assert.False(t, env.OK)
	assert.Equal(t, "openai_list_models: time limit (--timeout 300ms) reached", env.Error.Message)
	assert.Equal(t, "cancelled", env.Error.Type)

	r = runCLI(t, context.Background(), nil, "call", "--help")
	assert.Contains(t, r.stdout, "--timeout duration")
	assert.Contains(t, r.stdout, "(default 10m0s)")
}

func TestCallWaitsForStandardInputWithinTheTimeout(t *testing.T) {
	old := stdinHintAfter
	stdinHintAfter = 50 * time.Millisecond
	t.Cleanup(func() { stdinHintAfter = old })
	pr, pw := io.Pipe() // a pipe nobody writes to or closes
	t.Cleanup(func() { pw.Close() })
	var out, errOut strings.Builder
	env := Env{Stdin: pr, Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }, HomeDir: t.TempDir(), WorkDir: t.TempDir()}
	start := time.Now()
	code := Main(context.Background(), []string{"call", "--fake", "--timeout", "400ms", "openai.openai_list_models", "-f", "x=y"}, env)
	assert.Equal(t, ExitTimeout, code, errOut.String())
	assert.Equal(t, "kosmo: waiting for a JSON object of arguments on standard input (close it, or run with </dev/null, to send none)\n"+
		"kosmo: reading the arguments: time limit (--timeout 400ms) reached\n", errOut.String())
	assert.Less(t, time.Since(start), 5*time.Second)
}

package docs_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/docs"
	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai"
	lua "github.com/kosmo-run/kosmo/third_party/gopher-lua"
)

const typesGolden = "../testdata/golden/kosmo_meta.lua"

func TestLuaTypesGolden(t *testing.T) {
	got := docs.LuaTypes([]*integration.Integration{openai.New()}, map[string][]string{"openai": {"work", "default", "personal"}})
	if *update {
		require.NoError(t, os.WriteFile(typesGolden, []byte(got), 0o644))
	}
	want, err := os.ReadFile(typesGolden)
	require.NoError(t, err)
	assert.Equal(t, string(want), got)
}

func TestLuaTypesLoadInGopherLua(t *testing.T) {
	text := docs.LuaTypes([]*integration.Integration{openai.New()}, map[string][]string{"openai": {"work"}})
	L := lua.NewState()
	defer L.Close()
	require.NoError(t, L.DoString(text), "the annotations file is valid Lua")
	assert.Equal(t, lua.LTTable, L.GetGlobal("app").Type())
	assert.Equal(t, lua.LTTable, L.GetGlobal("fs").Type())
}

func TestLuaTypesContent(t *testing.T) {
	text := docs.LuaTypes([]*integration.Integration{openai.New()}, map[string][]string{"openai": {"work"}})
	for _, want := range []string{
		"---@class kosmo.openai.OpenaiChatCompletionParams",
		"---@field messages kosmo.openai.OpenaiChatCompletion.Messages[] Array of message objects",
		`---@field role "system"|"user"|"assistant"|"developer"|"tool"`,
		"---@field temperature? number Sampling temperature",
		`---@field voice "alloy"|"echo"|"fable"|"onyx"|"nova"|"shimmer"`,
		"---@field input string|string[] Text string or array of strings to embed.",
		"---@field openai_text_to_speech fun(params: kosmo.openai.OpenaiTextToSpeechParams): kosmo.openai.SpeechResult",
		"---@field work kosmo.openai.Functions The account \"work\".",
		"---@field default kosmo.openai.Functions",
		// results
		"---@field openai_chat_completion fun(params: kosmo.openai.OpenaiChatCompletionParams): kosmo.openai.ChatCompletion",
		"---@field choices kosmo.openai.ChatCompletionChoice[]",
		"---@field message kosmo.openai.ChatCompletionMessage",
		"---@field content? string The answer's text",
		"---@field openai_create_embedding fun(params: kosmo.openai.OpenaiCreateEmbeddingParams): kosmo.openai.EmbeddingList",
		"---@field embedding number[]",
		"---@field openai_create_image fun(params: kosmo.openai.OpenaiCreateImageParams): kosmo.openai.ImagesResult",
		"---@field openai_list_models fun(params?: kosmo.openai.OpenaiListModelsParams): kosmo.openai.ModelList",
		"---@field data kosmo.openai.Model[]",
		"---@field openai_upload_file fun(params: kosmo.openai.OpenaiUploadFileParams): kosmo.openai.File",
		"---@field openai_list_files fun(params?: kosmo.openai.OpenaiListFilesParams): kosmo.openai.FileList",
		"---@field openai_get_run fun(params: kosmo.openai.OpenaiGetRunParams): kosmo.openai.Run",
		// fs
		"function fs.read(path) end",
		"function fs.read_base64(path) end",
		"function fs.write(path, data) end",
	} {
		assert.True(t, strings.Contains(text, want), want)
	}
	for _, fn := range openai.New().Functions {
		assert.NotContains(t, text, "---@field "+fn.Name+" fun(params: kosmo.openai."+className(fn.Name)+"Params): table<string, any>", "every function's result is typed")
		assert.NotContains(t, text, "---@field "+fn.Name+" fun(params?: kosmo.openai."+className(fn.Name)+"Params): table<string, any>", "every function's result is typed")
	}
}

func className(name string) string {
	var b strings.Builder
	for _, part := range strings.Split(name, "_") {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// TestLuaTypesUnderLuaLS checks the annotations with the Lua language
// server itself (lua-language-server --check) when it is installed: the
// file has no diagnostic of its own, the README's patterns raise none, and
// results are typed (a wrong use of one is reported).
func TestLuaTypesUnderLuaLS(t *testing.T) {
	luals, err := exec.LookPath("lua-language-server")
	if err != nil {
		t.Skip("lua-language-server is not installed")
	}
	meta := docs.LuaTypes([]*integration.Integration{openai.New()}, map[string][]string{"openai": {"work"}})
	tests := []struct {
		name   string
		script string
		want   []string // diagnostic codes in script.lua, sorted
	}{
		{"the annotations alone", "", nil},
		{"the README's first script", `local result = app.integrations.openai.openai_chat_completion({
  model = "gpt-4o",
  messages = {
    { role = "system", content = "You are a helpful assistant." },
    { role = "user", content = "Explain quantum computing in one sentence." }
  },
  temperature = 0.7,
  max_tokens = 100
})
print(result.choices[1].message.content)
`, nil},
		{"uploading a granted file", `local audio = fs.read_base64("a.wav")
local t = app.integrations.openai.openai_transcribe_audio({ file_content = audio, filename = "a.wav", model = "whisper-1" })
fs.write("a.txt", t.text .. "\n" .. fs.read("notes.txt"))
local f = app.integrations.openai.openai_upload_file({ file_content = audio, filename = "a.wav", purpose = "assistants" })
print(f.id, f.bytes)
`, nil},
		{"lists, images, embeddings and errors", `for _, m in ipairs(app.integrations.openai.work.openai_list_models().data) do print(m.id, m.owned_by) end
print(app.integrations.openai.openai_create_image({ prompt = "a cat" }).data[1].url)
local e = app.integrations.openai.openai_create_embedding({ model = "text-embedding-3-small", input = { "a", "b" } })
print(#e.data[1].embedding, e.usage.total_tokens)
local ok, err = pcall(app.integrations.openai.openai_get_run, { thread_id = "t", run_id = "r" })
if not ok then print(err.message, err.status) end
print(json.encode(json.decode("[]")), base64.encode("x"), lua_read_doc("integrations.openai"))
`, nil},
		{"a result's fields are typed", `local r = app.integrations.openai.openai_chat_completion({ model = "gpt-4o", messages = { { role = "user", content = "hi" } } })
---@type integer
local n = r.choices[1].message.content
print(n)
`, []string{"assign-type-mismatch"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "kosmo_meta.lua"), []byte(meta), 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(dir, ".luarc.json"), []byte(`{"runtime.version": "Lua 5.1"}`), 0o644))
			if tt.script != "" {
				require.NoError(t, os.WriteFile(filepath.Join(dir, "script.lua"), []byte(tt.script), 0o644))
			}
			out := filepath.Join(t.TempDir(), "check.json")
			cmd := exec.Command(luals, "--check="+dir, "--checklevel=Hint", "--check_format=json", "--check_out_path="+out, "--logpath="+t.TempDir())
			output, _ := cmd.CombinedOutput() // it exits 1 when it finds problems
			data, err := os.ReadFile(out)
			if os.IsNotExist(err) || strings.TrimSpace(string(data)) == "[]" { // nothing found
				data, err = []byte("{}"), nil
			}
			require.NoError(t, err, string(output))
			var report map[string][]struct {
				Code    string `json:"code"`
				Message string `json:"message"`
			}
			require.NoError(t, json.Unmarshal(data, &report), string(data))
			got := map[string][]string{}
			for uri, diags := range report {
				for _, d := range diags {
					got[filepath.Base(uri)] = append(got[filepath.Base(uri)], d.Code)
				}
			}
			for file := range got {
				sort.Strings(got[file])
			}
			assert.Empty(t, got["kosmo_meta.lua"], "the annotations have no diagnostic: %s", data)
			assert.Equal(t, tt.want, got["script.lua"], "%s", data)
		})
	}
}

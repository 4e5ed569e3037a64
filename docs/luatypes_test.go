package docs_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-run/kosmo/docs"
	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai"
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
		"---@field openai_list_models fun(params?: kosmo.openai.OpenaiListModelsParams): table<string, any>",
		"---@field work kosmo.openai.Functions The account \"work\".",
		"---@field default kosmo.openai.Functions",
	} {
		assert.True(t, strings.Contains(text, want), want)
	}
}

package openai

import (
	"context"
	_ "embed"
	"fmt"
	"strconv"

	in "github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai/chatmodels"
)

// chatRequestSchema is CreateChatCompletionRequest of OpenAI's published
// OpenAPI document, extracted by ./chatspec: every parameter of a chat
// completion beyond the seed's eight is accepted and validated by it.
//
//go:embed chat_request.schema.json
var chatRequestSchema []byte

// chatSpec is the parsed chatRequestSchema, shared by every New.
var chatSpec = in.MustParseSpecSchema(chatRequestSchema)

// chatMessageContent is a chat message's content: whether a role needs it
// (an assistant message may carry tool_calls instead) is the spec's rule.
func chatMessageContent() in.Param {
	p := messageContent()
	p.Required = false
	return p
}

// checkChat adds the rules of chat completions that the spec's schema does
// not state: a function tool's parameters are a JSON-schema object.
func checkChat(args in.Args) []in.Problem {
	var problems []in.Problem
	if args["stream"] == true {
		if n, ok := args["n"].(float64); ok && n > 1 {
			problems = append(problems, in.Problem{Path: "n", Message: "one choice per streamed completion: chunks of several choices " +
				"would interleave in " + onChunk + "; leave n out (or 1) with stream = true, or leave stream out to get n choices"})
		}
	}
	tools, _ := args["tools"].([]any)
	for i, t := range tools {
		tool, _ := t.(map[string]any)
		fn, _ := tool["function"].(map[string]any)
		params, ok := fn["parameters"]
		if !ok || params == nil {
			continue
		}
		path := "tools[" + itoa(i+1) + "].function.parameters"
		schema, ok := params.(map[string]any)
		if !ok {
			problems = append(problems, in.Problem{Path: path, Message: "a JSON-schema object expected (a table such as { type = \"object\", properties = { … } }), got " + in.TypeOf(params)})
			continue
		}
		if typ, ok := schema["type"]; ok && typ != "object" {
			problems = append(problems, in.Problem{Path: path + ".type", Message: "a function's parameters are a JSON schema of type \"object\", got " + describe(typ)})
		}
		if props, ok := schema["properties"]; ok {
			if _, isObj := props.(map[string]any); !isObj {
				problems = append(problems, in.Problem{Path: path + ".properties", Message: "a table of property schemas expected, got " + in.TypeOf(props)})
			}
		}
		if req, ok := schema["required"].(map[string]any); ok && len(req) == 0 {
			schema["required"] = []any{} // Lua's {} is an empty list here
		}
	}
	return problems
}

func itoa(i int) string { return strconv.Itoa(i) }

func describe(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return in.TypeOf(v)
}

// Account settings of chat completions.
const (
	// SettingReasoningModels says which of an account's models are
	// reasoning models: "table" (chatmodels.Families, the default), "all"
	// (a server whose every model reasons) or "none".
	SettingReasoningModels = "reasoning_models"
	// SettingDropParams, "true", drops the parameters a model refuses
	// (LiteLLM's drop_params) instead of sending them as written.
	SettingDropParams = "drop_params"
)

func chatSettings() []in.Setting {
	return []in.Setting{
		{
			Name: SettingReasoningModels,
			Description: "Which chat models are reasoning models (they take `max_completion_tokens`, so `max_tokens` is sent as it, " +
				"and refuse sampling parameters): `table` (kosmo's table of OpenAI's families: gpt-5…, o1…, o3…, o4…), " +
				"`all` (every model of the account, for an OpenAI-compatible server of reasoning models) or `none`.",
			Values: []string{"table", "all", "none"}, Default: "table",
		},
		{
			Name: SettingDropParams,
			Description: "`true` drops the parameters the model refuses (a non-default `temperature` for a reasoning model, …), " +
				"says so once on standard error and in the call log; `false` (the default) sends them as written, so the API's own refusal reaches the script.",
			Values: []string{"false", "true"}, Default: "false",
		},
	}
}

// chatFamily is the reasoning-model family of model for the account.
func chatFamily(x *in.Exchange, model string) chatmodels.Family {
	switch x.Setting(SettingReasoningModels) {
	case "all":
		return chatmodels.Every
	case "none":
		return chatmodels.Plain
	}
	return chatmodels.Lookup(model)
}

// chatBody is the request body of a chat completion for the account: for a
// reasoning model max_tokens is sent as max_completion_tokens (the same
// limit; the API refuses the old name), and with drop_params the parameters
// the model refuses are left out, each noted. The arguments are not
// modified.
func chatBody(ctx context.Context, x *in.Exchange, args in.Args) in.Args {
	body := make(in.Args, len(args))
	for k, v := range args {
		body[k] = v
	}
	model, _ := body["model"].(string)
	fam := chatFamily(x, model)
	if mt, ok := body["max_tokens"]; ok && fam.Reasoning {
		if _, both := body["max_completion_tokens"]; !both {
			body["max_completion_tokens"] = mt
			delete(body, "max_tokens")
		}
	}
	if x.Setting(SettingDropParams) == "true" {
		for _, r := range fam.Refusals(body) {
			delete(body, r.Param)
			x.Note(fmt.Sprintf("%s: dropped '%s' (drop_params: %s refuses it: %s)", "openai_chat_completion", r.Param, model, r.Message))
		}
	}
	return body
}

// runChat sends a chat completion, its body shaped for the model.
func runChat(ctx context.Context, x *in.Exchange, args in.Args) (*in.Result, error) {
	model, _ := args["model"].(string)
	if args["stream"] == true && !x.DryRun() {
		res, err := runChatStream(ctx, x, chatBody(ctx, x, args))
		return res, withShutdown(x, err, model)
	}
	res, err := x.Standard(ctx, chatBody(ctx, x, args))
	return res, withShutdown(x, err, model)
}

package openai

import (
	"strings"

	"github.com/kosmo-run/kosmo/integration/openai/chatmodels"
)

// chatGuide is openai_chat_completion's part of the reference after the
// documented one: reasoning models, tool calls, streaming and the models
// shut down or scheduled to be, rendered from chatmodels' tables.
func chatGuide() string {
	var b strings.Builder
	b.WriteString(`### openai_chat_completion today: reasoning models, tool calls, streaming, models

**Reasoning models.** Today's flagship models reason (the gpt-5 family, the o-series). They take
` + "`max_completion_tokens`" + ` instead of ` + "`max_tokens`" + `, so kosmo sends a script's ` + "`max_tokens`" + ` as
` + "`max_completion_tokens`" + ` for them (same limit; a dry run shows it), and they refuse these parameters at
other than their defaults: ` + sampledNames() + `. By default a refused parameter is sent as written and
the API's own error reaches the script; an account with ` + "`drop_params: true`" + ` drops it, says so once on
standard error and in the call log. Which models reason (first match wins; ` + "`reasoning_models`" + ` extends it):

| Models | Reasoning | Sampling parameters accepted |
|--------|-----------|------------------------------|
`)
	for _, f := range chatmodels.Families {
		reasoning, sampling := "no", "yes"
		if f.Reasoning {
			reasoning, sampling = "yes", "no"
			if f.SamplingEffort != "" {
				sampling = "`temperature`, `top_p`, `logprobs` with `reasoning_effort = \"" + f.SamplingEffort + "\"`"
			}
		}
		b.WriteString("| `" + f.Pattern + "` | " + reasoning + " | " + sampling + " |\n")
	}
	b.WriteString(`
**Tool calls.** ` + "`tools`" + ` lists functions whose ` + "`parameters`" + ` are a JSON schema written as a Lua table
(` + "`{ type = \"object\", properties = { city = { type = \"string\" } }, required = { \"city\" } }`" + `); ` + "`tool_choice`" + `
and ` + "`parallel_tool_calls`" + ` steer them. When the model calls tools, ` + "`finish_reason`" + ` is ` + "`\"tool_calls\"`" + ` and
` + "`choices[1].message.tool_calls`" + ` holds them (` + "`id`" + `, ` + "`function.name`" + `, ` + "`function.arguments`" + ` as JSON text:
` + "`json.decode`" + ` it). Append that message to ` + "`messages`" + `, then one ` + "`{ role = \"tool\", tool_call_id = call.id, content = … }`" + `
per call, and call again: the model answers from the results.

**Streaming.** ` + "`stream = true`" + ` with ` + "`on_chunk = function(chunk) … end`" + ` calls ` + "`on_chunk`" + ` with each chunk as it
arrives, a table of the API's ` + "`chat.completion.chunk`" + ` shape (` + "`chunk.choices[1].delta.content`" + ` is the next piece of
text; ` + "`delta.tool_calls`" + ` pieces of tool calls, by ` + "`index`" + `; the last chunk has ` + "`finish_reason`" + `). The call still
returns the whole completion in the shape documented above, assembled from the chunks (content, tool calls,
finish reason; ` + "`usage`" + ` when ` + "`stream_options = { include_usage = true }`" + `). ` + "`on_chunk`" + ` runs in the script, between
the chunks: an error it raises stops the stream (the connection is closed) and reaches the caller as raised;
the script's time limit, ` + "`--timeout`" + ` and Ctrl-C stop a stream mid-way. ` + "`stream = true`" + ` without ` + "`on_chunk`" + ` is
allowed: the chunks are only assembled, and the call returns the completion as without streaming (for a
server or proxy that only streams, or a long answer that would otherwise leave the connection idle). A stream cut off before its end (` + "`data: [DONE]`" + `) is an error with ` + "`type = \"invalid_response\"`" + `
and ` + "`retryable = true`" + `; kosmo never sends a stream again itself, since chunks may already have reached
` + "`on_chunk`" + `. ` + "`n`" + ` above 1 is refused with ` + "`stream = true`" + ` (the choices' chunks would interleave), and so is
` + "`on_chunk`" + ` without ` + "`stream = true`" + ` or when it is not a function. ` + "`kosmo call --stream`" + ` prints the text on standard
error as it arrives. Chunks are scrubbed of the account's key as every answer is, also when a server splits it
across chunks: the end of a piece of text that could be the start of the key is held back (never more than the
key's length) and comes with the next chunk. With ` + "`include_usage`" + `, the last chunk's usage counts against the
tokens budget (` + "`rate_limits`" + `) as a non-streamed answer's does.

` + "```lua" + `
local r = app.integrations.openai.openai_chat_completion({
  model = "gpt-5.1",
  messages = { { role = "user", content = "Write a haiku about streams." } },
  stream = true,
  on_chunk = function(chunk)
    local c = chunk.choices[1]
    if c and c.delta.content then print(c.delta.content) end
  end,
})
print(r.choices[1].message.content) -- the whole text
` + "```" + `

**Models shut down or scheduled to be.** ` + "`openai_list_models`" + ` gives each model's ` + "`shutdown_date`" + ` (null when none is
announced); as of ` + chatmodels.AsOf + `:

| Model | Shutdown date | |
|-------|---------------|-|
`)
	for _, s := range chatmodels.Shutdowns {
		state := "scheduled"
		if s.Date <= chatmodels.AsOf {
			state = "shut down"
		}
		b.WriteString("| `" + s.Model + "` | " + s.Date + " | " + state + " |\n")
	}
	return b.String()
}

// sampledNames lists the parameters reasoning models refuse, as code.
func sampledNames() string {
	names := make([]string, len(chatmodels.Sampling))
	for i, s := range chatmodels.Sampling {
		names[i] = "`" + s.Name + "`"
	}
	return strings.Join(names, ", ")
}

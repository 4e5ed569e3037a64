-- Streaming a chat completion: on_chunk sees each chunk as it arrives
-- (here each piece of text is printed as it comes), and the call still
-- returns the whole completion, as without stream.
local openai = app.integrations.openai

local pieces = 0
local r = openai.openai_chat_completion({
  model = "gpt-5.1",
  messages = { { role = "user", content = "Say hello to the stream." } },
  max_tokens = 200, -- sent as max_completion_tokens: gpt-5.1 is a reasoning model
  stream = true,
  stream_options = { include_usage = true }, -- the last chunk carries the usage
  on_chunk = function(chunk)
    local choice = chunk.choices[1]
    if choice and choice.delta.content and choice.delta.content ~= "" then
      pieces = pieces + 1
      print(string.format("piece %d: %q", pieces, choice.delta.content))
    end
  end,
})

local choice = r.choices[1]
print(string.format("%d pieces; finish_reason: %s; %d tokens in all", pieces, choice.finish_reason, r.usage.total_tokens))
print("assembled: " .. choice.message.content)

-- A tool call streams in pieces too, and comes back whole.
local tools = { {
  type = "function",
  ["function"] = {
    name = "get_time",
    description = "The current time in a city.",
    parameters = { type = "object", properties = { city = { type = "string" } }, required = { "city" } },
  },
} }
local t = openai.openai_chat_completion({
  model = "gpt-5.1",
  messages = { { role = "user", content = "What time is it in Oslo? Use get_time." } },
  tools = tools,
  stream = true, -- no on_chunk: the chunks are only assembled
})
local call = t.choices[1].message.tool_calls[1]
print(string.format("%s: %s(%s)", t.choices[1].finish_reason, call["function"].name, call["function"].arguments))

-- An error raised in on_chunk stops the stream and reaches the caller.
local ok, err = pcall(openai.openai_chat_completion, {
  model = "gpt-5.1",
  messages = { { role = "user", content = "Count to ten." } },
  stream = true,
  on_chunk = function() error("seen enough", 0) end,
})
print("stopped: " .. tostring(not ok) .. ", " .. err)

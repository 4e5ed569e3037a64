-- A complete tool loop: offer a function tool, run the calls the model
-- makes in Lua, send the results back as tool messages, print the answer.
local openai = app.integrations.openai

local tools = {
  {
    type = "function",
    ["function"] = {
      name = "get_weather",
      description = "The current weather in a city.",
      parameters = {
        type = "object",
        properties = { city = { type = "string", description = "The city's name" } },
        required = { "city" },
      },
    },
  },
}

-- The Lua side of the tool.
local function get_weather(args)
  return { city = args.city, sky = "sunny", celsius = 21 }
end

local messages = {
  { role = "user", content = "What is the weather in Paris? Use get_weather." },
}

for turn = 1, 5 do
  local r = openai.openai_chat_completion({ model = "gpt-5.1-mini", messages = messages, tools = tools })
  local msg = r.choices[1].message
  table.insert(messages, msg)  -- the assistant's message goes back as it came
  if r.choices[1].finish_reason ~= "tool_calls" then
    print("answer: " .. msg.content)
    break
  end
  for _, call in ipairs(msg.tool_calls) do
    local args = json.decode(call["function"].arguments)
    print(string.format("turn %d: the model calls %s(%s)", turn, call["function"].name, json.encode(args)))
    local result = get_weather(args)
    table.insert(messages, { role = "tool", tool_call_id = call.id, content = json.encode(result) })
  end
end

-- The seed's first example, unchanged. OpenAI shuts gpt-4o down on
-- 2027-01-14: from then on it fails as it fails against OpenAI (404
-- model_not_found), and the error says when the model was shut down.
local ok, result = pcall(function()
return app.integrations.openai.openai_chat_completion({
  model = "gpt-4o",
  messages = {
    { role = "system", content = "You are a helpful assistant." },
    { role = "user", content = "Explain quantum computing in one sentence." }
  },
  temperature = 0.7,
  max_tokens = 100
})
end)
print(ok and result.choices[1].message.content or ("gpt-4o refused: " .. result.message))

-- The same on a model that stays: gpt-5.1 takes temperature with
-- reasoning_effort "none", and max_tokens is sent as max_completion_tokens.
local today = app.integrations.openai.openai_chat_completion({
  model = "gpt-5.1",
  reasoning_effort = "none",
  messages = {
    { role = "system", content = "You are a helpful assistant." },
    { role = "user", content = "Explain quantum computing in one sentence." }
  },
  temperature = 0.7,
  max_tokens = 100
})
print(today.choices[1].message.content)

-- The seed's first example, unchanged.
local result = app.integrations.openai.openai_chat_completion({
  model = "gpt-4o",
  messages = {
    { role = "system", content = "You are a helpful assistant." },
    { role = "user", content = "Explain quantum computing in one sentence." }
  },
  temperature = 0.7,
  max_tokens = 100
})
print(result.choices[1].message.content)

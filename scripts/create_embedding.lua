-- The seed's third example, unchanged, then a look at what came back.
local result = app.integrations.openai.openai_create_embedding({
  model = "text-embedding-3-small",
  input = "The quick brown fox jumps over the lazy dog"
})

local vector = result.data[1].embedding
print("model: " .. result.model)
print("dimensions: " .. #vector)
print("tokens: " .. result.usage.prompt_tokens)

-- The seed's second example, unchanged, then a look at what came back.
local result = app.integrations.openai.openai_create_image({
  model = "dall-e-3",
  prompt = "A sunset over a mountain lake in watercolor style",
  size = "1024x1024",
  quality = "hd"
})

local image = result.data[1]
print("images: " .. #result.data)
print("revised prompt: " .. tostring(image.revised_prompt))
print("has url: " .. tostring(image.url ~= nil and image.url:match("^https?://") ~= nil))

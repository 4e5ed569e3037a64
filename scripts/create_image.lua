-- The seed's second example, unchanged. dall-e-3 was removed from OpenAI's
-- API on 2026-05-12, so today it fails as it fails against OpenAI (404
-- model_not_found), and the error says when the model was removed.
local ok, err = pcall(function()
local result = app.integrations.openai.openai_create_image({
  model = "dall-e-3",
  prompt = "A sunset over a mountain lake in watercolor style",
  size = "1024x1024",
  quality = "hd"
})
end)
print("seed example succeeded: " .. tostring(ok))
print("status: " .. tostring(err.status) .. ", code: " .. tostring(err.code))
print("message: " .. err.message)

-- What runs today: the same picture from gpt-image-2. GPT image models take
-- quality low/medium/high/auto ("hd" is refused before sending, naming the
-- values) and always answer base64; every image carries its mime_type.
local result = app.integrations.openai.openai_create_image({
  model = "gpt-image-2",
  prompt = "A sunset over a mountain lake in watercolor style",
  size = "1024x1024",
  quality = "high"
})

local image = result.data[1]
print("images: " .. #result.data)
print("mime type: " .. image.mime_type)
print("png signature: " .. tostring(base64.decode(image.b64_json):sub(1, 8) == "\137PNG\r\n\26\n"))

local refused, why = pcall(app.integrations.openai.openai_create_image, {
  model = "gpt-image-2", prompt = "A sunset", quality = "hd",
})
print("hd refused: " .. tostring(not refused))
print(why.message)

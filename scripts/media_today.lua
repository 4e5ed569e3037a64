-- Images, speech and transcription on today's models: a transparent WebP
-- from gpt-image-2, speech with instructions from gpt-4o-mini-tts, and the
-- audio back to text with gpt-4o-transcribe.
local openai = app.integrations.openai

local picture = openai.openai_create_image({
  model = "gpt-image-2",
  prompt = "A paper lantern, no background",
  quality = "medium",
  size = "1536x1024",             -- or a custom WxH: sides multiples of 16, ratio up to 3:1
  output_format = "webp",
  background = "transparent",
})
local webp = base64.decode(picture.data[1].b64_json)
print(string.format("image: %s, %s, %s", picture.data[1].mime_type, picture.output_format, picture.background))
print("webp header: " .. webp:sub(1, 4) .. "/" .. webp:sub(9, 12))

local text = "Welcome back. Your order has shipped."
-- OpenAI shuts its speech models down on 2027-01-06 (/v1/audio/speech then
-- serves none): from then on the script prints OpenAI's answer and stops.
local spoke, speech = pcall(openai.openai_text_to_speech, {
  model = "gpt-4o-mini-tts",
  input = text,
  voice = "coral",
  instructions = "Speak in a warm, calm tone.",  -- refused for tts-1 and tts-1-hd
  response_format = "wav",
})
if not spoke then
  print("speech refused: " .. speech.message)
  return
end
print(string.format("speech: %s, %s", speech.format, speech.content_type))

-- gpt-4o-transcribe answers json only; whisper-1 still gives srt, vtt and
-- verbose_json.
local transcript = openai.openai_transcribe_audio({
  file_content = speech.audio_base64,
  filename = "speech.wav",
  model = "gpt-4o-transcribe",
  prompt = "An order update.",
})
print("transcript: " .. transcript.text)
print("round trip: " .. tostring(transcript.text == text))

local ok, err = pcall(openai.openai_transcribe_audio, {
  file_content = speech.audio_base64, filename = "speech.wav", model = "gpt-4o-transcribe", response_format = "srt",
})
print("srt from gpt-4o-transcribe refused: " .. tostring(not ok))
print(err.message)

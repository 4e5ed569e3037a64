-- Text to speech, then the audio back to text.
local openai = app.integrations.openai
local text = "The quick brown fox jumps over the lazy dog."

-- OpenAI shuts tts-1, tts-1-hd and gpt-4o-mini-tts down on 2027-01-06 and
-- /v1/audio/speech then serves no model: from then on the script prints
-- OpenAI's answer and stops.
local spoke, speech = pcall(openai.openai_text_to_speech, {
  model = "tts-1",
  input = text,
  voice = "nova",
  response_format = "wav",
})
if not spoke then
  print("speech refused: " .. speech.message)
  return
end
print(string.format("speech: %s, %s, %d bytes", speech.format, speech.content_type, speech.size_bytes))

local audio = base64.decode(speech.audio_base64)
print("riff header: " .. audio:sub(1, 4) .. "/" .. audio:sub(9, 12))

local transcript = openai.openai_transcribe_audio({
  file_content = speech.audio_base64,
  filename = "speech.wav",
  model = "whisper-1",
  language = "en",
})
print("transcript: " .. transcript.text)
print("round trip: " .. tostring(transcript.text == text))

local subtitles = openai.openai_transcribe_audio({
  file_content = speech.audio_base64,
  filename = "speech.wav",
  model = "whisper-1",
  response_format = "srt",
})
print("srt:")
print(subtitles.text)

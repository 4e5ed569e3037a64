-- Images, speech, transcription and files on today's models: the model
-- tables checked before sending, the spec's other parameters, the fake's
-- answers for removed models.

local oa = app.integrations.openai

function TestImageGPTImage2TransparentWebP()
  local r = oa.openai_create_image({ model = "gpt-image-2", prompt = "A paper lantern", quality = "high",
    size = "1536x1024", output_format = "webp", background = "transparent" })
  eq(#r.data, 1)
  eq(r.data[1].mime_type, "image/webp")
  eq(r.data[1].url, nil, "GPT image models answer base64")
  local img = base64.decode(r.data[1].b64_json)
  eq(img:sub(1, 4), "RIFF"); eq(img:sub(9, 16), "WEBPVP8L", "a lossless WebP")
  eq(r.output_format, "webp"); eq(r.background, "transparent"); eq(r.quality, "high"); eq(r.size, "1536x1024")
  local req = last("a")
  eq(req.json.model, "gpt-image-2"); eq(req.json.output_format, "webp"); eq(req.json.background, "transparent")
end

function TestImageHDQualityRefusedBeforeSending()
  local err = fails(oa.openai_create_image, { model = "gpt-image-2", prompt = "A paper lantern", quality = "hd",
    size = "1536x1024", output_format = "webp", background = "transparent" },
    "openai_create_image: parameter 'quality': gpt-image-2 takes low, medium, high or auto; 'hd' is a dall-e-3 value")
  eq(err.type, "validation_error"); eq(err.param, "quality")
  eq(count("a"), 0, "nothing sent")
end

function TestImageGPTRulesBeforeSending()
  local base = { model = "gpt-image-2", prompt = "x" }
  local function with(k, v) local t = { model = base.model, prompt = base.prompt }; t[k] = v; return t end
  fails(oa.openai_create_image, with("response_format", "url"), "parameter 'response_format'", "gpt-image-2 does not take response_format", "b64_json")
  fails(oa.openai_create_image, with("style", "vivid"), "parameter 'style'", "gpt-image-2 does not take style")
  fails(oa.openai_create_image, with("size", "1000x1000"), "parameter 'size'", "multiples of 16")
  fails(oa.openai_create_image, with("size", "3200x1024"), "parameter 'size'", "aspect ratio of at most 3:1")
  fails(oa.openai_create_image, with("size", "1792x1024x"), "parameter 'size'", "got '1792x1024x'")
  fails(oa.openai_create_image, with("quality", "standard"), "'standard' is a dall-e-3/dall-e-2 value")
  fails(oa.openai_create_image, with("output_format", "gif"), "parameter 'output_format'", "expected one of", "\"webp\"")
  fails(oa.openai_create_image, with("output_compression", 50), "parameter 'output_compression'", "jpeg or webp output only")
  fails(oa.openai_create_image, { model = "gpt-image-2", prompt = "x", background = "transparent", output_format = "jpeg" },
    "parameter 'background'", "png or webp only")
  fails(oa.openai_create_image, with("stream", true), "parameter 'stream'", "cannot be returned to a script")
  eq(count("a"), 0, "nothing sent")
  -- Custom sizes within the rule, and the spec's other parameters, go through.
  local r = oa.openai_create_image({ model = "gpt-image-2", prompt = "x", size = "1536x864", output_format = "jpeg",
    output_compression = 60, moderation = "low", background = "opaque", user = "u1" })
  eq(r.data[1].mime_type, "image/jpeg")
  eq(base64.decode(r.data[1].b64_json):sub(1, 3), "\255\216\255", "a real JPEG")
  local req = last("a")
  eq(req.json.output_compression, 60); eq(req.json.moderation, "low"); eq(req.json.user, "u1")
end

-- The seed's example fails as it fails on OpenAI's API today, with the date.
function TestSeedDallE3ExampleFailsWithTheRemovalDate()
  local okay, err = pcall(function()
    return app.integrations.openai.openai_create_image({
      model = "dall-e-3",
      prompt = "A sunset over a mountain lake in watercolor style",
      size = "1024x1024",
      quality = "hd"
    })
  end)
  eq(okay, false)
  eq(err.status, 404); eq(err.code, "model_not_found")
  contains(err.message, "The model `dall-e-3` does not exist or you do not have access to it.")
  contains(err.message, "dall-e-3 was shut down on 2026-05-12")
  eq(last("a").json.model, "dall-e-3", "sent as written: OpenAI answers")
end

function TestImageWithoutModelGeneratesWithGPTImage2()
  local r = oa.openai_create_image({ prompt = "a red fox" })
  eq(r.data[1].mime_type, "image/png")
  eq(last("a").json.model, "gpt-image-2")
end

-- OpenAI shuts tts-1, tts-1-hd and gpt-4o-mini-tts down on 2027-01-06:
-- the tests that speak (to make audio, or about speech) run their fakes on
-- the day before.
FAKE_DATES = FAKE_DATES or {}
FAKE_DATES.TestTranscriptionFormatsByModel = "2027-01-05"
FAKE_DATES.TestTranscriptionSpecParameters = "2027-01-05"
FAKE_DATES.TestSpeechInstructionsByModel = "2027-01-05"

function TestTranscriptionFormatsByModel()
  local speech = oa.openai_text_to_speech({ model = "tts-1", input = "Plain words", voice = "echo", response_format = "wav" })
  local sent = count("a")
  local err = fails(oa.openai_transcribe_audio, { file_content = speech.audio_base64, filename = "a.wav", model = "gpt-4o-transcribe",
    response_format = "srt" }, "openai_transcribe_audio: parameter 'response_format': gpt-4o-transcribe answers json only, not 'srt'")
  eq(err.type, "validation_error")
  fails(oa.openai_transcribe_audio, { file_content = speech.audio_base64, filename = "a.wav", model = "gpt-4o-transcribe-diarize",
    prompt = "names" }, "parameter 'prompt'", "gpt-4o-transcribe-diarize does not take a prompt")
  fails(oa.openai_transcribe_audio, { file_content = speech.audio_base64, filename = "a.wav", model = "whisper-1",
    timestamp_granularities = { "word" } }, "parameter 'timestamp_granularities'", "verbose_json")
  fails(oa.openai_transcribe_audio, { file_content = speech.audio_base64, filename = "a.wav", model = "whisper-1",
    keywords = { "kosmo" } }, "parameter 'keywords'", "gpt-transcribe does")
  eq(count("a"), sent, "nothing sent")
  -- whisper-1 works as before.
  local srt = oa.openai_transcribe_audio({ file_content = speech.audio_base64, filename = "a.wav", model = "whisper-1", response_format = "srt" })
  contains(srt.text, "Plain words")
  contains(srt.text, "-->", "subtitles")
end

function TestTranscriptionSpecParameters()
  local speech = oa.openai_text_to_speech({ model = "tts-1", input = "Some words", voice = "echo", response_format = "wav" })
  local r = oa.openai_transcribe_audio({ file_content = speech.audio_base64, filename = "a.wav", model = "gpt-4o-transcribe",
    include = { "logprobs" }, prompt = "A test.", temperature = 0.2, chunking_strategy = "auto" })
  eq(r.text, "Some words")
  local parts = last("a").parts
  eq(parts.model.text, "gpt-4o-transcribe"); eq(parts["include[]"].text, "logprobs")
  eq(parts.prompt.text, "A test."); eq(parts.temperature.text, "0.2"); eq(parts.chunking_strategy.text, "auto")
  local v = oa.openai_transcribe_audio({ file_content = speech.audio_base64, filename = "a.wav", model = "whisper-1",
    response_format = "verbose_json", timestamp_granularities = { "word", "segment" } })
  ok(#v.words > 0, "word timings"); ok(#v.segments > 0, "segments")
  fails(oa.openai_transcribe_audio, { file_content = speech.audio_base64, filename = "a.wav", model = "whisper-1",
    timestamp_granularities = { "letter" } }, "parameter 'timestamp_granularities[1]'", "expected one of")
end

function TestSpeechInstructionsByModel()
  local sent = count("a")
  fails(oa.openai_text_to_speech, { model = "tts-1", input = "Hi", voice = "alloy", instructions = "Whisper." },
    "openai_text_to_speech: parameter 'instructions': tts-1 does not take instructions (gpt-4o-mini-tts does)")
  fails(oa.openai_text_to_speech, { model = "gpt-4o-mini-tts", input = "Hi", voice = "alloy", stream_format = "sse" },
    "parameter 'stream_format'", "cannot be returned to a script")
  eq(count("a"), sent, "nothing sent")
  local r = oa.openai_text_to_speech({ model = "gpt-4o-mini-tts", input = "Hi there", voice = { id = "voice_1234" },
    instructions = "Speak warmly.", response_format = "wav" })
  eq(r.format, "wav")
  local req = last("a")
  eq(req.json.instructions, "Speak warmly."); eq(req.json.voice.id, "voice_1234")
end

function TestFilesSpecParameters()
  local f = oa.openai_upload_file({ file_content = base64.encode("{}\n"), filename = "a.jsonl", purpose = "batch",
    expires_after = { anchor = "created_at", seconds = 3600 } })
  contains(f.id, "file-")
  local parts = last("a").parts
  eq(parts["expires_after[anchor]"].text, "created_at"); eq(parts["expires_after[seconds]"].text, "3600")
  oa.openai_upload_file({ file_content = base64.encode("b"), filename = "b.txt", purpose = "assistants" })
  local asc = oa.openai_list_files({ order = "asc", limit = 1 })
  eq(#asc.data, 1); eq(asc.data[1].id, f.id, "oldest first")
  local q = last("a").query
  eq(q.order, "asc"); eq(q.limit, "1")
  local after = oa.openai_list_files({ order = "asc", after = f.id })
  ok(#after.data >= 1 and after.data[1].id ~= f.id, "after the cursor")
  eq(last("a").query.after, f.id)
  fails(oa.openai_list_files, { order = "up" }, "parameter 'order'", "expected one of", "\"asc\"")
end

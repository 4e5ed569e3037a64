-- Every function through the three account forms (openai.fn, openai.default.fn,
-- openai.work.fn), checking the response in Lua and the request the fake got.

function TestChatCompletion()
  each_form(function(ns, server)
    local r = ns.openai_chat_completion({
      model = "gpt-4.1-nano",
      messages = {
        { role = "system", content = "You are terse." },
        { role = "user", content = "Say hello" },
      },
      temperature = 0.5, max_tokens = 50, top_p = 1, frequency_penalty = 0, presence_penalty = 0.5,
    })
    eq(r.object, "chat.completion", "object")
    eq(r.model, "gpt-4.1-nano", "model")
    eq(r.choices[1].message.role, "assistant", "role")
    contains(r.choices[1].message.content, "Say hello", "reply")
    eq(r.usage.total_tokens, r.usage.prompt_tokens + r.usage.completion_tokens, "usage adds up")
    ok(r.usage.prompt_tokens > 0, "prompt tokens counted")
    local req = last(server)
    eq(req.method, "POST"); eq(req.path, "/v1/chat/completions")
    auth_ok(req, server)
    eq(req.headers["content-type"], "application/json")
    eq(req.json.model, "gpt-4.1-nano"); eq(#req.json.messages, 2); eq(req.json.messages[2].content, "Say hello")
    eq(req.json.max_tokens, 50); eq(req.json.temperature, 0.5); eq(req.json.presence_penalty, 0.5)
    eq(req.headers["openai-beta"], nil, "no beta header on chat")
  end)
end

function TestChatCompletionJSONFormat()
  local r = app.integrations.openai.openai_chat_completion({
    model = "gpt-4.1-nano",
    messages = { { role = "user", content = "List three colours as JSON" } },
    response_format = { type = "json_object" },
  })
  local parsed = json.decode(r.choices[1].message.content)
  eq(type(parsed), "table", "content parses as a JSON object")
  eq(last("a").json.response_format.type, "json_object")
end

function TestCreateEmbedding()
  each_form(function(ns, server)
    local r = ns.openai_create_embedding({ model = "text-embedding-3-small", input = "The quick brown fox" })
    eq(r.object, "list")
    eq(#r.data, 1)
    eq(#r.data[1].embedding, 1536, "dimensions")
    local norm = 0
    for _, x in ipairs(r.data[1].embedding) do norm = norm + x * x end
    ok(math.abs(norm - 1) < 1e-4, "unit vector, norm^2 = " .. norm)
    local req = last(server)
    eq(req.path, "/v1/embeddings"); auth_ok(req, server)
    eq(req.json.input, "The quick brown fox")
  end)
  local many = app.integrations.openai.openai_create_embedding({ model = "text-embedding-3-large", input = { "one", "two", "three" } })
  eq(#many.data, 3); eq(#many.data[3].embedding, 3072); eq(many.data[3].index, 2)
  eq(#last("a").json.input, 3, "array input sent as an array")
end

function TestCreateImage()
  each_form(function(ns, server)
    local r = ns.openai_create_image({ model = "gpt-image-2", prompt = "a red square", n = 2, size = "256x256", quality = "low" })
    eq(#r.data, 2, "n honoured")
    local png = base64.decode(r.data[1].b64_json)
    eq(png:sub(1, 8), "\137PNG\r\n\26\n", "a real PNG")
    eq(r.data[1].mime_type, "image/png")
    local req = last(server)
    eq(req.path, "/v1/images/generations"); auth_ok(req, server)
    eq(req.json.n, 2); eq(req.json.size, "256x256"); eq(req.json.prompt, "a red square")
  end)
end

-- OpenAI shuts tts-1, tts-1-hd and gpt-4o-mini-tts down on 2027-01-06:
-- the tests that speak run their fakes on the day before.
FAKE_DATES = FAKE_DATES or {}
FAKE_DATES.TestTextToSpeechAndTranscription = "2027-01-05"
FAKE_DATES.TestTranscriptionTextFormats = "2027-01-05"

function TestTextToSpeechAndTranscription()
  each_form(function(ns, server)
    local speech = ns.openai_text_to_speech({ model = "tts-1", input = "Hello from kosmo", voice = "nova", response_format = "wav", speed = 1.25 })
    eq(speech.format, "wav"); eq(speech.content_type, "audio/wav")
    local audio = base64.decode(speech.audio_base64)
    eq(#audio, speech.size_bytes, "size_bytes")
    eq(audio:sub(1, 4), "RIFF"); eq(audio:sub(9, 12), "WAVE")
    local req = last(server)
    eq(req.path, "/v1/audio/speech"); auth_ok(req, server)
    eq(req.json.voice, "nova"); eq(req.json.speed, 1.25)

    local text = ns.openai_transcribe_audio({ file_content = speech.audio_base64, filename = "hello.wav", model = "whisper-1", language = "en" })
    eq(text.text, "Hello from kosmo", "round trip")
    req = last(server)
    eq(req.path, "/v1/audio/transcriptions"); auth_ok(req, server)
    contains(req.headers["content-type"], "multipart/form-data; boundary=")
    eq(req.parts.file.filename, "hello.wav"); eq(req.parts.file.content_type, "audio/wav")
    eq(req.parts.file.base64, speech.audio_base64, "file part carries the decoded bytes")
    eq(req.parts.model.text, "whisper-1"); eq(req.parts.language.text, "en")
  end)
  local mp3 = app.integrations.openai.openai_text_to_speech({ model = "tts-1", input = "x", voice = "alloy" })
  eq(mp3.format, "mp3", "mp3 by default"); eq(mp3.content_type, "audio/mpeg")
end

function TestTranscriptionTextFormats()
  local speech = app.integrations.openai.openai_text_to_speech({ model = "tts-1", input = "Plain words", voice = "echo", response_format = "wav" })
  for _, f in ipairs({ "text", "srt", "vtt" }) do
    local r = app.integrations.openai.openai_transcribe_audio({ file_content = speech.audio_base64, filename = "a.wav", model = "whisper-1", response_format = f })
    eq(type(r.text), "string", f .. " gives { text = body }")
    contains(r.text, "Plain words", f)
    eq(last("a").parts.response_format.text, f)
  end
  local v = app.integrations.openai.openai_transcribe_audio({ file_content = speech.audio_base64, filename = "a.wav", model = "whisper-1", response_format = "verbose_json" })
  eq(v.text, "Plain words"); ok(v.duration > 0, "duration"); eq(type(v.language), "string")
end

function TestFiles()
  each_form(function(ns, server)
    local content = "{\"prompt\": \"hi\"}\n"
    local f = ns.openai_upload_file({ file_content = base64.encode(content), filename = "data.jsonl", purpose = "batch" })
    contains(f.id, "file-"); eq(f.bytes, #content); eq(f.purpose, "batch"); eq(f.filename, "data.jsonl")
    local req = last(server)
    eq(req.path, "/v1/files"); auth_ok(req, server)
    eq(req.parts.file.text, content); eq(req.parts.purpose.text, "batch"); eq(req.parts.file.filename, "data.jsonl")
    ns.openai_upload_file({ file_content = base64.encode("notes"), filename = "notes.txt", purpose = "assistants" })

    local all = ns.openai_list_files()
    local batch = ns.openai_list_files({ purpose = "batch" })
    eq(last(server).query.purpose, "batch")
    ok(#batch.data >= 1 and #batch.data < #all.data, "filtered by purpose")
    local found = false
    for _, file in ipairs(batch.data) do
      eq(file.purpose, "batch")
      if file.id == f.id then found = true end
    end
    ok(found, "the upload is listed")
    local limited = ns.openai_list_files({ limit = 1 })
    eq(#limited.data, 1, "limited"); eq(last(server).query.limit, "1")
  end)
end

function TestListModels()
  each_form(function(ns, server)
    local r = ns.openai_list_models()
    eq(r.object, "list")
    local seen = {}
    for _, m in ipairs(r.data) do seen[m.id] = true end
    ok(seen["gpt-4.1-nano"] and seen["text-embedding-3-small"] and seen["dall-e-3"] and seen["whisper-1"] and seen["tts-1"], "realistic list")
    local req = last(server)
    eq(req.method, "GET"); eq(req.path, "/v1/models"); auth_ok(req, server)
    ns.openai_list_models({})
  end)
end

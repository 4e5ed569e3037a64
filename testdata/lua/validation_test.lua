-- Bad input gets an error naming the function, the parameter path and what
-- was expected, and nothing is sent.

local oa = app.integrations.openai
local chat = { model = "gpt-4.1-nano", messages = { { role = "user", content = "hi" } } }

local function with(extra)
  local t = { model = chat.model, messages = chat.messages }
  for k, v in pairs(extra) do t[k] = v end
  return t
end

local function nothing_sent()
  eq(count("a"), 0, "requests sent"); eq(count("b"), 0, "requests sent to work")
end

function TestMissingRequired()
  local err = fails(oa.openai_chat_completion, { model = "gpt-4.1-nano" }, "openai_chat_completion", "parameter 'messages'", "required array is missing")
  eq(err.type, "validation_error"); eq(err.param, "messages"); eq(err["function"], "openai_chat_completion")
  eq(err.status, nil, "validation errors have no status")
  fails(oa.openai_get_run, { thread_id = "t" }, "parameter 'run_id'", "required string is missing")
  nothing_sent()
end

function TestWrongTypes()
  fails(oa.openai_chat_completion, with({ max_tokens = "ten" }), "parameter 'max_tokens'", "integer expected, got string")
  fails(oa.openai_chat_completion, with({ max_tokens = 3.5 }), "parameter 'max_tokens'", "integer expected, got 3.5")
  fails(oa.openai_chat_completion, with({ messages = { { role = 2, content = "x" } } }), "parameter 'messages[1].role'", "string expected, got number")
  fails(oa.openai_chat_completion, with({ messages = "hello" }), "parameter 'messages'", "array expected, got string")
  fails(oa.openai_chat_completion, with({ response_format = "json" }), "parameter 'response_format'", "object expected, got string")
  fails(oa.openai_create_embedding, { model = "text-embedding-3-small", input = { "a", 2 } }, "parameter 'input[2]'", "string expected, got number")
  fails(oa.openai_create_embedding, { model = "text-embedding-3-small", input = true }, "parameter 'input'", "string or array of strings expected, got boolean")
  nothing_sent()
end

function TestIntegerAcceptsWholeFloats()
  oa.openai_chat_completion(with({ max_tokens = 3.0 }))
  eq(last("a").json.max_tokens, 3)
end

function TestUnknownKeySuggests()
  local err = fails(oa.openai_chat_completion, with({ max_token = 5 }), "parameter 'max_token'", "unknown parameter", "did you mean 'max_tokens'?")
  eq(err.param, "max_token")
  fails(oa.openai_list_models, { limit = 1 }, "unknown parameter", "takes no parameters")
  fails(oa.openai_chat_completion, with({ response_format = { typ = "json_object" } }), "parameter 'response_format.type'", "required string is missing")
  nothing_sent()
end

function TestBoundsAndEnums()
  local tts = { model = "tts-1", input = "hi", voice = "alloy" }
  local function tts_with(k, v) local t = { model = tts.model, input = tts.input, voice = tts.voice }; t[k] = v; return t end
  fails(oa.openai_text_to_speech, tts_with("voice", "robot"), "parameter 'voice'", "expected one of", "\"alloy\"", "got \"robot\"")
  fails(oa.openai_text_to_speech, tts_with("speed", 9), "parameter 'speed'", "between 0.25 and 4", "got 9")
  fails(oa.openai_text_to_speech, tts_with("input", string.rep("x", 4097)), "parameter 'input'", "at most 4096 characters")
  fails(oa.openai_chat_completion, with({ temperature = 3 }), "parameter 'temperature'", "between 0 and 2", "got 3")
  fails(oa.openai_chat_completion, with({ frequency_penalty = -2.5 }), "parameter 'frequency_penalty'", "between -2 and 2")
  fails(oa.openai_create_image, { prompt = "x", n = 0 }, "parameter 'n'", "between 1 and 10", "got 0")
  fails(oa.openai_create_image, { prompt = "x", size = "100x100" }, "parameter 'size'", "gpt-image-2 takes auto, 1024x1024", "multiples of 16")
  fails(oa.openai_create_image, { prompt = "x", model = "dall-e-3", n = 2 }, "parameter 'n'", "dall-e-3 makes one image")
  fails(oa.openai_list_assistants, { limit = 101 }, "parameter 'limit'", "between 1 and 100")
  fails(oa.openai_list_files, { limit = 0 }, "parameter 'limit'", "between 1 and 10000")
  fails(oa.openai_upload_file, { file_content = "aGk=", filename = "a.txt", purpose = "fun" }, "parameter 'purpose'", "expected one of")
  fails(oa.openai_add_message_to_thread, { thread_id = "t", role = "system", content = "x" }, "parameter 'role'", "\"user\", \"assistant\"")
  fails(oa.openai_chat_completion, with({ messages = { { role = "robot", content = "x" } } }), "parameter 'messages[1].role'", "expected one of")
  fails(oa.openai_transcribe_audio, { file_content = "aGk=", filename = "a.wav", model = "whisper-1", response_format = "xml" }, "parameter 'response_format'")
  nothing_sent()
end

function TestEveryProblemIsReported()
  local err = fails(oa.openai_text_to_speech, { model = "tts-1", input = "hi", voice = "robot", speed = 9 }, "parameter 'voice'", "parameter 'speed'")
  eq(err.param, "voice", "first problem's path")
end

function TestNonTableArguments()
  fails(oa.openai_chat_completion, "hello", "openai_chat_completion", "table argument expected, got string")
  fails(oa.openai_chat_completion, nil, "table argument expected, got no value", "model, messages")
  fails(function() return oa.openai_list_models({}, {}) end, nil, "takes one table argument, got 2 arguments")
  fails(oa.openai_chat_completion, { "gpt-4.1-nano" }, "table of named parameters expected")
  nothing_sent()
end

function TestColonCall()
  local err = fails(function() return oa:openai_list_models() end, nil, "called with ':'", "app.integrations.openai.openai_list_models")
  eq(err.type, "usage_error")
  fails(function() return oa.work:openai_chat_completion(chat) end, nil, "called with ':'")
  nothing_sent()
end

function TestUnknownAccountAndFunction()
  fails(function() return oa.wrok.openai_list_models() end, nil, "has no account or function 'wrok'", "configured accounts: personal (default), work")
  fails(function() return oa.openai_chat_complete(chat) end, nil, "has no function 'openai_chat_complete'", "did you mean 'openai_chat_completion'?")
  fails(function() return oa.work.openai_list_model() end, nil, "app.integrations.openai.work has no function", "did you mean 'openai_list_models'?")
  fails(function() return app.integrations.opnai end, nil, "no integration 'opnai'", "did you mean 'openai'?")
  fails(function() oa.openai_list_models = nil; oa.something = 1 end, nil, "read-only")
  nothing_sent()
end

function TestInvalidBase64SendsNothing()
  local err = fails(oa.openai_upload_file, { file_content = "not base64!!", filename = "a.txt", purpose = "batch" }, "parameter 'file_content'", "base64 expected")
  eq(err.type, "validation_error")
  fails(oa.work.openai_transcribe_audio, { file_content = "%%%", filename = "a.wav", model = "whisper-1" }, "parameter 'file_content'", "base64 expected")
  nothing_sent()
end

function TestTablesThatCannotBecomeJSON()
  local cyc = { role = "user", content = "x" }; cyc.self = cyc
  fails(oa.openai_chat_completion, with({ messages = { cyc } }), "parameter 'messages[1].self'", "cycle")
  fails(oa.openai_chat_completion, with({ messages = { [1] = chat.messages[1], [3] = chat.messages[1] } }), "parameter 'messages'", "sparse array")
  fails(oa.openai_chat_completion, with({ messages = { chat.messages[1], extra = 1 } }), "parameter 'messages'", "mixes array items and named keys")
  fails(oa.openai_chat_completion, with({ response_format = { type = "json_object", f = print } }), "parameter 'response_format.f'", "function cannot become JSON")
  fails(oa.openai_chat_completion, with({ temperature = 0 / 0 }), "parameter 'temperature'", "cannot become JSON")
  fails(oa.openai_chat_completion, with({ response_format = { type = "text", [true] = 1 } }), "parameter 'response_format'", "key of type boolean")
  fails(oa.openai_create_assistant, { model = "gpt-4.1-nano", tools = { { type = "function", ["function"] = { name = "f", parameters = { x = 1 / 0 } } } } }, "tools[1].function.parameters.x")
  nothing_sent()
end

-- A string that is not valid UTF-8 is refused with its path, never sent
-- with U+FFFD in place of its bytes; base64 parameters may hold any bytes
-- (validation then says they are not base64).
function TestInvalidUTF8IsRefusedWithItsPath()
  local cases = {
    { "content", with({ messages = { { role = "user", content = "\255\254 x" } } }), "messages[1].content", "byte 0xff at 1" },
    { "second message", with({ messages = { chat.messages[1], { role = "user", content = "ok \226\130" } } }), "messages[2].content", "byte 0xe2 at 4" },
    { "open field", with({ response_format = { type = "text", note = "a\192b" } }), "response_format.note", "byte 0xc0 at 2" },
    { "model", { model = "gpt\128", messages = chat.messages }, "model", "byte 0x80 at 4" },
  }
  for _, c in ipairs(cases) do
    local err = fails(oa.openai_chat_completion, c[2], "openai_chat_completion: parameter '" .. c[3] .. "': not valid UTF-8 (" .. c[4] .. ")",
      "binary data goes base64-encoded")
    eq(err.type, "validation_error", c[1]); eq(err.param, c[3], c[1])
  end
  fails(oa.openai_chat_completion, with({ response_format = { type = "text", ["k\255"] = 1 } }),
    "parameter 'response_format': key \"k\\xff\" is not valid UTF-8 (byte 0xff at 2)")
  fails(oa.openai_upload_file, { file_content = "\255\254", filename = "a.bin", purpose = "batch" }, "parameter 'file_content'", "base64 expected")
  nothing_sent()
  -- Valid text of any script is sent as it is.
  oa.openai_chat_completion(with({ messages = { { role = "user", content = "héllo wörld ✓ 😀" } } }))
  eq(last("a").json.messages[1].content, "héllo wörld ✓ 😀")
end

function TestJSONEncodeRefusesInvalidUTF8()
  fails(json.encode, "\255\254 x", "json.encode: not valid UTF-8 (byte 0xff at 1)")
  fails(json.encode, { a = { "ok", "x\200" } }, "json.encode: value at 'a[2]': not valid UTF-8 (byte 0xc8 at 2)")
  fails(json.encode, { ["\255"] = 1 }, "json.encode: key \"\\xff\" is not valid UTF-8 (byte 0xff at 1)")
  eq(json.encode("héllo ✓"), '"héllo ✓"')
  eq(json.encode(base64.encode("\255\254")), '"//4="', "binary goes as base64")
end

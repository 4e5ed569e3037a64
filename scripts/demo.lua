-- kosmo demo: a tour of the OpenAI integration. `make demo` runs it offline
-- against the built-in fake; `kosmo run scripts/demo.lua` runs it for real.
local openai = app.integrations.openai

print("== The reference a script can read at runtime")
local doc = lua_read_doc("integrations.openai.openai_text_to_speech")
print(doc:match("^[^\n]+") .. " ... " .. select(2, doc:gsub("\n| `", "")) .. " parameters")

print("\n== Models")
local models = openai.openai_list_models()
local chat_models = 0
for _, m in ipairs(models.data) do
  if m.id:match("^gpt") then chat_models = chat_models + 1 end
end
print(#models.data .. " models, " .. chat_models .. " of them GPT")

print("\n== Chat")
local chat = openai.openai_chat_completion({
  model = "gpt-5.1-mini",
  messages = {
    { role = "system", content = "You are a helpful assistant." },
    { role = "user", content = "Give me one tip for writing Lua." },
  },
  max_tokens = 60,
})
print(chat.choices[1].message.content)
print(string.format("tokens: %d in, %d out", chat.usage.prompt_tokens, chat.usage.completion_tokens))

print("\n== JSON mode")
local structured = openai.openai_chat_completion({
  model = "gpt-5.1-mini",
  messages = { { role = "user", content = "Reply in JSON: what is kosmo?" } },
  response_format = { type = "json_object" },
})
local parsed = json.decode(structured.choices[1].message.content)
print("keys: " .. table.concat((function() local k = {} for key in pairs(parsed) do k[#k + 1] = key end table.sort(k) return k end)(), ", "))

print("\n== Embeddings")
local emb = openai.openai_create_embedding({
  model = "text-embedding-3-small",
  input = { "Lua is a small language.", "Lua is a tiny scripting language.", "Bananas are yellow." },
})
local function dot(a, b) local s = 0 for i = 1, #a do s = s + a[i] * b[i] end return s end
local v = {}
for i, d in ipairs(emb.data) do v[i] = d.embedding end
print(string.format("similar sentences: %.2f, unrelated: %.2f", dot(v[1], v[2]), dot(v[1], v[3])))

print("\n== Speech and back")
-- OpenAI shuts its speech models down on 2027-01-06 (/v1/audio/speech then
-- serves none): from then on this prints OpenAI's answer instead.
local spoke, speech = pcall(openai.openai_text_to_speech, { model = "gpt-4o-mini-tts", input = "Hello from kosmo.", voice = "alloy", response_format = "wav" })
if spoke then
  local heard = openai.openai_transcribe_audio({ file_content = speech.audio_base64, filename = "hello.wav", model = "whisper-1" })
  print(speech.size_bytes .. " bytes of " .. speech.content_type .. " -> \"" .. heard.text .. "\"")
else
  print("speech refused: " .. speech.message)
end

print("\n== Errors are tables")
local ok, err = pcall(openai.openai_chat_completion, { model = "gpt-5.1-mini", messages = { { role = "robot", content = "hi" } } })
print("validation: " .. err.message)
ok, err = pcall(openai.openai_get_run, { thread_id = "thread_missing", run_id = "run_missing" })
print("api: status " .. err.status .. ", type " .. err.type .. ", retryable " .. tostring(err.retryable))

print("\n== Done")

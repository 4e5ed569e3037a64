-- An assistants workflow: create an assistant and a thread, add a message,
-- start a run, poll it with sleep until it completes, then read the reply.
local openai = app.integrations.openai

local assistant = openai.openai_create_assistant({
  model = "gpt-5.1",
  name = "Math Tutor",
  instructions = "You are a personal math tutor. Answer briefly.",
  tools = { { type = "code_interpreter" } },
})
print("assistant: " .. assistant.name .. " (" .. assistant.model .. ")")

local thread = openai.openai_create_thread({})
openai.openai_add_message_to_thread({
  thread_id = thread.id,
  role = "user",
  content = "I need to solve 3x + 11 = 14. Can you help?",
})

local run = openai.openai_create_run({ thread_id = thread.id, assistant_id = assistant.id })
print("run: " .. run.status)
while run.status == "queued" or run.status == "in_progress" do
  sleep(0.1)
  run = openai.openai_get_run({ thread_id = thread.id, run_id = run.id })
  print("run: " .. run.status)
end

local messages = openai.openai_list_thread_messages({ thread_id = thread.id, limit = 10 })
for i = #messages.data, 1, -1 do
  local m = messages.data[i]
  print(m.role .. ": " .. m.content[1].text.value)
end

local listed = openai.openai_list_assistants({ limit = 100 })
print("assistants listed: " .. #listed.data)

-- The seven assistants, threads and runs functions, run twice: MODE is
-- "responses" (today's API: threads on Conversations, runs on Responses,
-- assistants in kosmo's store; the fakes serve no Assistants endpoint) or
-- "native" (both accounts say assistants: native; the fakes serve v2).
-- The script's view is the same in both; the requests differ.

local native = MODE == "native"

local function beta_ok(req)
  if native then
    eq(req.headers["openai-beta"], "assistants=v2", "beta header")
  else
    eq(req.headers["openai-beta"], nil, "no beta header on today's API")
  end
end

function TestAssistantsWorkflow()
  each_form(function(ns, server)
    local before = count(server)
    local asst = ns.openai_create_assistant({
      model = "gpt-4.1-nano", name = "Helper", description = "Helps", instructions = "Be brief.",
      tools = { { type = "code_interpreter" } },
    })
    contains(asst.id, "asst_"); eq(asst.object, "assistant"); eq(asst.name, "Helper"); eq(asst.model, "gpt-4.1-nano")
    eq(asst.description, "Helps"); eq(asst.instructions, "Be brief."); eq(asst.tools[1].type, "code_interpreter")
    eq(type(asst.created_at), "number")
    if native then
      local req = last(server)
      eq(req.path, "/v1/assistants"); beta_ok(req); auth_ok(req, server)
      eq(req.json.tools[1].type, "code_interpreter")
    else
      eq(count(server), before, "an assistant is kept by kosmo: no request")
    end

    local list = ns.openai_list_assistants({ limit = 5 })
    eq(list.object, "list"); eq(list.data[1].id, asst.id); eq(list.first_id, asst.id); eq(list.has_more, false)
    eq(list.data[1].instructions, "Be brief.")
    if native then
      local req = last(server)
      eq(req.method, "GET"); eq(req.query.limit, "5"); beta_ok(req)
    else
      eq(count(server), before, "listed from the store: no request")
    end

    local thread = ns.openai_create_thread({ messages = { { role = "user", content = "What is 2+2?" } } })
    eq(thread.object, "thread"); eq(type(thread.created_at), "number"); eq(type(thread.metadata), "table")
    local req = last(server)
    auth_ok(req, server); beta_ok(req); eq(req.method, "POST")
    if native then
      contains(thread.id, "thread_"); eq(req.path, "/v1/threads")
      eq(req.json.messages[1].content, "What is 2+2?")
    else
      contains(thread.id, "conv_"); eq(req.path, "/v1/conversations")
      eq(req.json.items[1].type, "message"); eq(req.json.items[1].role, "user"); eq(req.json.items[1].content, "What is 2+2?")
    end

    local msg = ns.openai_add_message_to_thread({ thread_id = thread.id, role = "user", content = "Answer briefly." })
    contains(msg.id, "msg_"); eq(msg.object, "thread.message"); eq(msg.thread_id, thread.id); eq(msg.role, "user")
    eq(msg.content[1].type, "text"); eq(msg.content[1].text.value, "Answer briefly."); eq(#msg.content[1].text.annotations, 0)
    req = last(server)
    auth_ok(req, server); beta_ok(req)
    if native then
      eq(req.path, "/v1/threads/" .. thread.id .. "/messages")
    else
      eq(req.path, "/v1/conversations/" .. thread.id .. "/items")
      eq(#req.json.items, 1); eq(req.json.items[1].role, "user"); eq(req.json.items[1].content, "Answer briefly.")
    end

    local run = ns.openai_create_run({ thread_id = thread.id, assistant_id = asst.id, instructions = "Shorter." })
    eq(run.object, "thread.run"); eq(run.status, "queued"); eq(run.thread_id, thread.id); eq(run.assistant_id, asst.id)
    eq(run.model, "gpt-4.1-nano"); eq(run.instructions, "Shorter."); eq(run.tools[1].type, "code_interpreter")
    req = last(server)
    auth_ok(req, server); beta_ok(req)
    if native then
      eq(req.path, "/v1/threads/" .. thread.id .. "/runs"); eq(req.json.assistant_id, asst.id); eq(req.json.instructions, "Shorter.")
    else
      contains(run.id, "resp_")
      eq(req.path, "/v1/responses"); eq(req.json.model, "gpt-4.1-nano"); eq(req.json.instructions, "Shorter.")
      eq(req.json.conversation, thread.id); eq(req.json.background, true); eq(req.json.store, true)
      eq(req.json.metadata.assistant_id, asst.id)
      eq(req.json.tools[1].type, "code_interpreter"); eq(req.json.tools[1].container.type, "auto")
      eq(req.json.input, nil, "the messages are in the conversation already")
    end

    local statuses = {}
    for _ = 1, 5 do
      run = ns.openai_get_run({ thread_id = thread.id, run_id = run.id })
      statuses[#statuses + 1] = run.status
      if run.status == "completed" then break end
    end
    eq(table.concat(statuses, ","), "in_progress,completed")
    eq(run.assistant_id, asst.id); eq(run.thread_id, thread.id); eq(type(run.completed_at), "number")
    ok(run.usage.total_tokens > 0, "usage"); eq(run.usage.total_tokens, run.usage.prompt_tokens + run.usage.completion_tokens)
    req = last(server)
    eq(req.method, "GET"); beta_ok(req)
    if native then
      eq(req.path, "/v1/threads/" .. thread.id .. "/runs/" .. run.id)
    else
      eq(req.path, "/v1/responses/" .. run.id)
    end

    local msgs = ns.openai_list_thread_messages({ thread_id = thread.id, limit = 10 })
    eq(msgs.object, "list"); eq(#msgs.data, 3, "two user messages and the reply"); eq(msgs.has_more, false)
    eq(msgs.data[1].role, "assistant", "newest first"); eq(msgs.data[1].object, "thread.message")
    contains(msgs.data[1].content[1].text.value, "fake reply to:")
    eq(msgs.data[3].content[1].text.value, "What is 2+2?")
    eq(msgs.first_id, msgs.data[1].id); eq(msgs.last_id, msgs.data[3].id)
    req = last(server)
    eq(req.query.limit, "10"); beta_ok(req)
    if not native then
      eq(req.path, "/v1/conversations/" .. thread.id .. "/items"); eq(req.query.order, "desc")
    end
  end)
end

function TestEmptyThread()
  each_form(function(ns, server)
    local t = ns.openai_create_thread({})
    eq(t.object, "thread")
    eq(last(server).body, "{}")
    ns.openai_create_thread()
    eq(last(server).body, "{}")
    eq(#ns.openai_list_thread_messages({ thread_id = t.id }).data, 0)
  end)
end

function TestPathIdsAreEscaped()
  local err = fails(app.integrations.openai.openai_list_thread_messages, { thread_id = "a/b c?" }, "404")
  eq(err.status, 404)
  if native then
    eq(last("a").path, "/v1/threads/a%2Fb%20c%3F/messages")
  else
    eq(last("a").path, "/v1/conversations/a%2Fb%20c%3F/items")
  end
end

function TestAssistantsListNewestFirst()
  local ns = app.integrations.openai
  local ids = {}
  for i = 1, 3 do ids[i] = ns.openai_create_assistant({ model = "gpt-4.1-nano", name = "A" .. i }).id end
  local page = ns.openai_list_assistants({ limit = 2 })
  eq(#page.data, 2); eq(page.has_more, true)
  eq(page.data[1].id, ids[3]); eq(page.data[2].id, ids[2])
  eq(page.first_id, ids[3]); eq(page.last_id, ids[2])
  local all = ns.openai_list_assistants()
  eq(#all.data, 3); eq(all.has_more, false)
end

function TestAssistantsBelongToTheirAccount()
  local openai = app.integrations.openai
  local mine = openai.work.openai_create_assistant({ model = "gpt-4.1-nano", name = "Work only" })
  for _, a in ipairs(openai.personal.openai_list_assistants().data) do
    ok(a.id ~= mine.id, "an assistant of work is not listed through personal")
  end
  eq(openai.work.openai_list_assistants().data[1].id, mine.id)
  local thread = openai.personal.openai_create_thread({})
  local err = fails(openai.personal.openai_create_run, { thread_id = thread.id, assistant_id = mine.id }, "404")
  eq(err.status, 404)
  if not native then
    eq(err.param, "assistant_id"); contains(err.message, mine.id); contains(err.message, "personal")
    eq(last("a").path, "/v1/conversations", "the run was never sent")
  end
end

function TestGetRunChecksTheThread()
  local openai = app.integrations.openai
  local asst = openai.openai_create_assistant({ model = "gpt-4.1-nano" })
  local one = openai.openai_create_thread({ messages = { { role = "user", content = "One" } } })
  local two = openai.openai_create_thread({})
  local run = openai.openai_create_run({ thread_id = one.id, assistant_id = asst.id })
  local err = fails(openai.openai_get_run, { thread_id = two.id, run_id = run.id }, "404")
  eq(err.status, 404)
  eq(openai.openai_get_run({ thread_id = one.id, run_id = run.id }).id, run.id)
end

-- What only today's API needs: more messages than one request carries,
-- content parts, and what cannot be carried.

function TestThreadWithManyMessages()
  if native then return end
  local openai = app.integrations.openai
  local messages = {}
  for i = 1, 25 do messages[i] = { role = i % 2 == 1 and "user" or "assistant", content = "m" .. i } end
  local before = count("a")
  local thread = openai.openai_create_thread({ messages = messages })
  local reqs = requests("a")
  eq(#reqs - before, 2, "20 items, then 5")
  eq(reqs[before + 1].path, "/v1/conversations"); eq(#reqs[before + 1].json.items, 20)
  eq(reqs[before + 2].path, "/v1/conversations/" .. thread.id .. "/items"); eq(#reqs[before + 2].json.items, 5)
  eq(reqs[before + 2].json.items[5].content, "m25")
  local listed = openai.openai_list_thread_messages({ thread_id = thread.id, limit = 100 })
  eq(#listed.data, 25); eq(listed.data[1].content[1].text.value, "m25"); eq(listed.data[25].role, "user")
  local page = openai.openai_list_thread_messages({ thread_id = thread.id, limit = 3 })
  eq(#page.data, 3); eq(page.has_more, true)
end

function TestMessageContentParts()
  if native then return end
  local openai = app.integrations.openai
  openai.openai_create_thread({ messages = {
    { role = "user", content = {
      { type = "text", text = "What is in this image?" },
      { type = "image_url", image_url = { url = "https://example.com/cat.png", detail = "low" } },
      { type = "image_file", image_file = { file_id = "file-abc" } },
    } },
    { role = "assistant", content = { { type = "text", text = "A cat." } } },
  } })
  local items = last("a").json.items
  eq(items[1].content[1].type, "input_text"); eq(items[1].content[1].text, "What is in this image?")
  eq(items[1].content[2].type, "input_image"); eq(items[1].content[2].image_url, "https://example.com/cat.png"); eq(items[1].content[2].detail, "low")
  eq(items[1].content[3].type, "input_image"); eq(items[1].content[3].file_id, "file-abc"); eq(items[1].content[3].detail, "auto")
  eq(items[2].role, "assistant"); eq(items[2].content, "A cat.")
end

function TestWhatCannotBeCarriedIsRefused()
  if native then return end
  local openai = app.integrations.openai
  local before = count("a")
  local err = fails(openai.openai_create_assistant, { model = "gpt-4.1-nano", tools = { { type = "file_search" } } },
    "tools[1]", "vector_store_ids", "assistants: native")
  eq(err.param, "tools[1]")
  eq(#openai.openai_list_assistants().data, 0, "nothing stored")
  fails(openai.openai_create_thread, { messages = { { role = "user", content = "hi", attachments = {} } } },
    "messages[1].attachments")
  fails(openai.openai_create_thread, { messages = { { role = "assistant", content = {
    { type = "image_url", image_url = { url = "https://example.com/a.png" } } } } } }, "messages[1].content")
  eq(count("a"), before, "nothing sent")

  local asst = openai.openai_create_assistant({ model = "gpt-4.1-nano", tools = {
    { type = "file_search", vector_store_ids = { "vs_1" }, file_search = { max_num_results = 5 } },
    { type = "function", ["function"] = { name = "get_weather", description = "Weather", parameters = { type = "object", properties = {} } } },
  } })
  eq(asst.tool_resources.file_search.vector_store_ids[1], "vs_1")
  local thread = openai.openai_create_thread({})
  openai.openai_create_run({ thread_id = thread.id, assistant_id = asst.id })
  local tools = last("a").json.tools
  eq(tools[1].type, "file_search"); eq(tools[1].vector_store_ids[1], "vs_1"); eq(tools[1].max_num_results, 5)
  eq(tools[2].type, "function"); eq(tools[2].name, "get_weather"); eq(tools[2].description, "Weather")
  eq(tools[2]["function"], nil, "flat, as Responses takes it")
  eq(tools[2].strict, false, "the Assistants API's default, which Responses does not share")
end

-- The helpers a script has, and the sandbox around it.

function TestJSONRoundTrip()
  local s = json.encode({ b = 1, a = { 1, 2, 3 }, c = json.null, d = json.array({}), e = {}, f = "<&>" })
  eq(s, '{"a":[1,2,3],"b":1,"c":null,"d":[],"e":{},"f":"<&>"}')
  local v = json.decode('{"x": [1, null, 3], "y": null, "z": {"k": true}}')
  eq(#v.x, 3, "null keeps array positions"); eq(v.x[2], json.null); eq(v.y, nil, "null field is absent"); eq(v.z.k, true)
  eq(json.encode(json.object({})), "{}")
  eq(json.encode(json.array({ 1 })), "[1]")
  fails(json.decode, "{bad", "json.decode: invalid JSON")
  local cyc = {}; cyc[1] = cyc
  fails(json.encode, cyc, "json.encode", "cycle")
  fails(json.encode, { 1, nil, 3, n = 1 }, "json.encode")
  eq(tostring(json.null), "null")
end

function TestBase64()
  eq(base64.encode("hello"), "aGVsbG8=")
  eq(base64.decode("aGVsbG8="), "hello")
  eq(base64.decode("aGVsbG8"), "hello", "unpadded")
  eq(base64.decode(base64.encode("\0\1\2\255")), "\0\1\2\255", "binary")
  fails(base64.decode, "***", "base64.decode")
end

function TestDumpReturnsItsArgument()
  local t = { 1, 2, name = "x", nested = { ok = true } }
  local same = dump(t)
  eq(same, t)
  local a, b = dump(1, "two")
  eq(a, 1); eq(b, "two")
end

function TestSleep()
  sleep(0.01)
  sleep(0)
  fails(sleep, -1, "non-negative")
end

function TestSandbox()
  for _, name in ipairs({ "dofile", "loadfile", "load", "loadstring", "require", "module", "getfenv", "setfenv",
                          "collectgarbage", "newproxy", "_printregs", "io", "debug", "package", "channel" }) do
    eq(_G[name], nil, name .. " is not available")
  end
  eq(os.execute, nil); eq(os.getenv, nil); eq(os.remove, nil); eq(os.exit, nil)
  eq(type(os.time()), "number"); eq(type(os.clock()), "number"); eq(type(os.date("%Y")), "string")
  eq(getmetatable(""), false, "string metatable is hidden")
  eq(("x"):upper(), "X", "string methods still work")
  eq(type(string.format), "function"); eq(type(table.concat), "function"); eq(type(math.floor), "function")
  eq(type(coroutine.wrap), "function")
end

function TestErrorTablesPrintOneLine()
  local okay, err = pcall(app.integrations.openai.openai_get_run, { thread_id = "thread_nope", run_id = "run_nope" })
  eq(okay, false)
  eq(err.status, 404); eq(err.type, "invalid_request_error"); eq(err["function"], "openai_get_run"); eq(err.account, "personal")
  eq(err.retryable, false)
  ok(err.request_id ~= nil, "request id")
  local line = tostring(err)
  contains(line, "openai_get_run (account personal): HTTP 404")
  ok(not line:find("\n"), "one line")
end

function TestReadDoc()
  local all = lua_read_doc("integrations.openai")
  contains(all, "# OpenAI — Lua API Reference")
  contains(all, "## Multi-Account Usage")
  local one = lua_read_doc("integrations.openai.openai_create_image")
  contains(one, "## openai_create_image")
  ok(not one:find("openai_chat_completion"), "only that function")
  fails(lua_read_doc, "integrations.nope", "no doc page", "integrations.openai.openai_list_models")
end

function TestListAndSearchDocs()
  local pages = lua_list_docs()
  eq(#pages, 16)
  eq(pages[1].page, "integrations.openai")
  eq(pages[5].page, "integrations.openai.openai_transcribe_audio")
  eq(pages[5].summary, "Transcribe audio using Whisper.")
  eq(pages[5].operation, "write")
  for _, p in ipairs(pages) do ok(#lua_read_doc(p.page) > 0, p.page) end
  local found = lua_search_docs("transcribe")
  eq(found[1].page, "integrations.openai.openai_transcribe_audio")
  ok(found[1].score > 0, "scored")
  eq(#lua_search_docs("zebra"), 0)
end

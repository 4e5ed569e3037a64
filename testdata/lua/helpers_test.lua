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
  for _, name in ipairs({ "_printregs", "channel" }) do
    eq(_G[name], nil, name .. " is not available")
  end
  eq(os.setenv, nil)
  eq(type(os.time()), "number"); eq(type(os.clock()), "number"); eq(type(os.date("%Y")), "string")
  eq(getmetatable("").__index, string, "the string metatable, as in Lua 5.1")
  eq(("x"):upper(), "X", "string methods still work")
  eq(type(string.format), "function"); eq(type(table.concat), "function"); eq(type(math.floor), "function")
  eq(type(coroutine.wrap), "function")
end

-- Each function and library a script does not get is refused with what is
-- missing, why and what to do instead, at the line that used it.
function TestSandboxRefusalsSayWhatIsMissing()
  local files = "files are read with fs.read(path) and written with fs.write(path, data), once granted with --allow-read=DIR and --allow-write=DIR"
  local modules = "modules cannot be loaded; put the code the script needs in the script itself"
  local compile = "scripts cannot compile code at run time; write the code in the script itself"
  local fenv = "function environments cannot be read or changed; use local variables and tables"
  local stdout = "print(...) writes to standard output"
  local stdin = "standard input is read with stdin.read() and stdin.lines(), once granted with --allow-stdin"
  local cases = {
    { "os.getenv", function() return os.getenv("HOME") end,
      "scripts get no environment; pass values as script arguments (kosmo run script.lua a b)" },
    { "os.execute", function() return os.execute("ls") end, "scripts cannot run programs" },
    { "os.exit", function() os.exit(1) end, "end the script with return, or fail it with error(message)" },
    { "os.remove", function() os.remove("x") end, files },
    { "os.rename", function() os.rename("x", "y") end, files },
    { "os.tmpname", function() os.tmpname() end, files },
    { "os.setlocale", function() os.setlocale("C") end, "the locale is fixed" },
    { "os.difftime", function() os.difftime(2, 1) end, "subtract the two times instead (t2 - t1, in seconds)" },
    { "io.open", function() io.open("/etc/passwd") end, files },
    { "io.write", function() io.write("x") end, stdout },
    { "io.stdout", function() io.stdout:write("x") end, stdout },
    { "io.stderr", function() io.stderr:write("x") end, stdout },
    { "io.read", function() io.read() end, stdin },
    { "io.lines", function() for l in io.lines() do end end, stdin },
    { "io.popen", function() io.popen("ls") end, "scripts cannot run programs" },
    { "io.output", function() io.output("x") end, stdout },
    { "require", function() require("x") end, modules },
    { "module", function() module("x") end, modules },
    { "package.path", function() return package.path end, modules },
    { "package.loaded", function() package.loaded.x = 1 end, modules },
    { "dofile", function() dofile(".env") end, "scripts cannot run other files; put the code in the script itself" },
    { "loadfile", function() loadfile("x.lua") end, "scripts cannot run other files" },
    { "load", function() load(function() return nil end) end, compile },
    { "loadstring", function() loadstring("return 1") end, compile },
    { "getfenv", function() getfenv(1) end, fenv },
    { "setfenv", function() setfenv(1, {}) end, fenv },
    { "collectgarbage", function() collectgarbage("count") end, "memory is managed by the host (kosmo run --max-memory bounds it)" },
    { "newproxy", function() newproxy(true) end, "use a table with a metatable (setmetatable) instead" },
    { "string.dump", function() string.dump(print) end, "functions cannot be turned into bytecode" },
    { "string.dump", function() return ("x").dump end, nil }, -- a method lookup is no call: no error
    { "debug.traceback", function() xpcall(error, debug.traceback) end,
      "error messages carry the script position; catch errors with pcall(f) or xpcall(f, handler)" },
    { "debug.getinfo", function() debug.getinfo(1) end, "the debug library reaches inside functions and values the sandbox keeps apart" },
    { "debug.sethook", function() debug.sethook() end, "the debug library" },
    { "debug[1]", function() debug[1] = 1 end, nil, "debug is not available in the sandbox" },
  }
  for _, c in ipairs(cases) do
    local name, fn, why, whole = c[1], c[2], c[3], c[4]
    local okay, err = pcall(fn)
    if why == nil and whole == nil then
      eq(okay, true, name .. ": " .. tostring(err))
    else
      eq(okay, false, name .. " refused")
      contains(err, whole or (name .. " is not available in the sandbox: " .. why), name)
      contains(err, "helpers_test.lua:", name .. ": the message points at the script line")
    end
  end
  -- A refusal is a function that raises: pcall(require, ...), the usual
  -- test for an optional module, just fails.
  local okay, err = pcall(require, "cjson")
  eq(okay, false); contains(err, "require is not available in the sandbox")
  eq(type(require), "function"); eq(type(os.getenv), "function")
  -- The refused libraries are empty and read-only.
  eq(next(io), nil, "pairs sees nothing"); eq(rawget(io, "open"), nil)
  fails(rawset, io, "a library table is read-only")
  eq(getmetatable(io), false)
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
  eq(json.encode(lua_search_docs("zebra")), "[]", "no match is an empty array")
  eq(json.encode(lua_search_docs("transcribe")):sub(1, 2), "[{")
end

-- JSON keeps its shape through json.decode and json.encode: an empty array
-- stays an array.
function TestJSONShapesSurviveARoundTrip()
  for _, doc in ipairs({
    "[]", "{}", '{"a":[],"b":{}}', "[[],{},[[]]]", '{"data":[],"has_more":false,"object":"list"}',
    '[null,[]]', '{"a":{"b":{"c":[]}}}',
  }) do
    eq(json.encode(json.decode(doc)), doc, doc)
  end
  -- Filled, an empty array is an array; json.object and json.array mark
  -- it otherwise; a named key makes it an object.
  local t = json.decode("[]"); t[1] = "x"
  eq(json.encode(t), '["x"]')
  eq(json.encode(json.object(json.decode("[]"))), "{}")
  eq(json.encode(json.array(json.decode("[]"))), "[]")
  local named = json.decode("[]"); named.k = 1
  eq(json.encode(named), '{"k":1}')
  -- A table the script made is still an object when empty.
  eq(json.encode({}), "{}")
end

-- An API answer's empty arrays go back as arrays: the usual multi-turn
-- pattern sends the assistant's message (with "annotations": []) back.
function TestAnswersEmptyArraysGoBackAsArrays()
  local oa = app.integrations.openai
  local first = oa.openai_chat_completion({ model = "gpt-4.1-nano", messages = { { role = "user", content = "hi" } } })
  local reply = first.choices[1].message
  eq(type(reply.annotations), "table"); eq(#reply.annotations, 0)
  oa.openai_chat_completion({ model = "gpt-4.1-nano", messages = { { role = "user", content = "hi" }, reply, { role = "user", content = "more" } } })
  contains(last("a").body, '"annotations":[]', "sent back as an array")
  local files = oa.openai_list_files()
  eq(#files.data, 0)
  eq(json.encode(files.data), "[]")
end


-- class: sandbox
-- tries: every file, process, environment, loader and debug function of the standard libraries
-- Each is gone, or in its place is a refusal that does nothing but raise
-- "<name> is not available in the sandbox: <why>".
local refused = {
  require = require, module = module, dofile = dofile, loadfile = loadfile, load = load,
  loadstring = loadstring, getfenv = getfenv, setfenv = setfenv, collectgarbage = collectgarbage,
  newproxy = newproxy,
  ["os.execute"] = os.execute, ["os.getenv"] = os.getenv, ["os.exit"] = os.exit, ["os.remove"] = os.remove,
  ["os.rename"] = os.rename, ["os.tmpname"] = os.tmpname, ["os.setlocale"] = os.setlocale,
  ["os.difftime"] = os.difftime, ["string.dump"] = string.dump,
}
local n = 0
for name, fn in pairs(refused) do
  n = n + 1
  assert(type(fn) == "function", name)
  for _, args in ipairs({ {}, { "HOME" }, { ".env" }, { "return 1" }, { print }, { 1, {} }, { "rm -rf /" } }) do
    local ok, err = pcall(fn, unpack(args))
    assert(not ok, name .. " did something")
    assert(tostring(err):find(name .. " is not available in the sandbox: ", 1, true), name .. ": " .. tostring(err))
  end
end
assert(n == 19, n)
-- The libraries that are gone raise on any use, and hold nothing.
for _, lib in ipairs({ "io", "debug", "package" }) do
  local t = _G[lib]
  assert(type(t) == "table", lib)
  assert(next(t) == nil and getmetatable(t) == false, lib)
  for _, key in ipairs({ "open", "popen", "write", "read", "lines", "stdin", "stdout", "getinfo", "getupvalue",
                         "setupvalue", "getregistry", "sethook", "loaded", "loadlib", "path", "cpath" }) do
    assert(rawget(t, key) == nil, lib .. "." .. key)
    local ok, err = pcall(function() return t[key] end)
    assert(not ok and tostring(err):find(lib .. "." .. key .. " is not available in the sandbox: ", 1, true), lib .. "." .. key)
    ok = pcall(function() t[key] = print end)
    assert(not ok, lib .. "." .. key .. " was set")
  end
  assert(not pcall(rawset, t, "open", print), lib)
  assert(not pcall(setmetatable, t, {}), lib)
end
for _, name in ipairs({ "_printregs", "channel" }) do assert(_G[name] == nil, name) end
assert(os.setenv == nil)
assert(type(os.time()) == "number" and type(os.clock()) == "number" and type(os.date("%Y")) == "string")

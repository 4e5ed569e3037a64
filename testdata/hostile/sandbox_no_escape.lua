-- class: sandbox
-- tries: every file, process, environment, loader and debug function of the standard libraries
local gone = {
  io = io, debug = debug, package = package, require = require, module = module, dofile = dofile,
  loadfile = loadfile, load = load, loadstring = loadstring, getfenv = getfenv, setfenv = setfenv,
  collectgarbage = collectgarbage, newproxy = newproxy, _printregs = _printregs, channel = channel,
  ["os.execute"] = os.execute, ["os.getenv"] = os.getenv, ["os.exit"] = os.exit, ["os.remove"] = os.remove,
  ["os.rename"] = os.rename, ["os.tmpname"] = os.tmpname, ["os.setlocale"] = os.setlocale,
  ["os.difftime"] = os.difftime, ["string.dump"] = string.dump,
}
for name, v in pairs(gone) do error(name .. " is reachable") end
for _, name in ipairs({"io", "debug", "package", "require", "dofile", "loadfile", "load", "loadstring", "collectgarbage"}) do
  assert(_G[name] == nil, name)
end
assert(type(os.time()) == "number" and type(os.clock()) == "number" and type(os.date("%Y")) == "string")

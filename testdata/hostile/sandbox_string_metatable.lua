-- class: sandbox
-- tries: reaching or replacing the string metatable shared by every string (each VM has its own, as Lua 5.1 shows it)
assert(getmetatable("").__index == string)
assert(not pcall(setmetatable, "", {}))
assert(("abc"):upper() == "ABC" and ("%d"):format(3) == "3")
-- changing it changes only this script's strings
getmetatable("").__index = function(s, k) return string[k] or function() return "mine" end end
assert(("x"):whatever() == "mine")
assert(json.encode({ "a" }) == '["a"]')
-- the libraries stay readable
local n = 0
for k, v in pairs(string) do n = n + 1 assert(type(v) == "function", k) end
assert(n >= 13, n)
assert(next(math) ~= nil and rawget(string, "len") == string.len)

-- class: sandbox
-- tries: reaching or replacing the string metatable shared by every string
assert(getmetatable("") == false)
assert(not pcall(setmetatable, "", {}))
assert(not pcall(setmetatable, string, {}))
assert(("abc"):upper() == "ABC" and ("%d"):format(3) == "3")
-- the libraries stay readable
local n = 0
for k, v in pairs(string) do n = n + 1 assert(type(v) == "function", k) end
assert(n >= 13, n)
assert(next(math) ~= nil and rawget(string, "len") == string.len)

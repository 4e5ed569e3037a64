-- class: sandbox
-- tries: replacing string.format, which every string's methods use: the table is the script's own (as in Lua 5.1), and no host function looks anything up in it
string.format = function() return "pwned" end
function string.trim(s) return (s:gsub("^%s+", ""):gsub("%s+$", "")) end
assert(("%d"):format(3) == "pwned" and ("  x "):trim() == "x")
assert(json.encode({ a = 1.5, b = "x" }) == '{"a":1.5,"b":"x"}')
assert(tostring(12) == "12" and table.concat({ 1, 2 }, ",") == "1,2")
print("host functions are untouched")

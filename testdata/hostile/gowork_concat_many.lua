-- class: go-work
-- tries: `table.concat` of 200,000 small strings (gopher-lua: "registry overflow" past ~5,000)
local t = {}
for i = 1, 200000 do t[i] = "ab" end
assert(#table.concat(t, ",") == 200000 * 3 - 1)

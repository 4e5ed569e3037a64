-- class: go-work
-- tries: `table.sort(t, string.rep)`: a comparator that is a slow host function, so no Lua instruction runs between calls
-- want: timeout
-- timeout: 300ms
local t = {}
for i = 1, 1000 do t[i] = 2^24 end
table.sort(t, string.rep)

-- class: memory
-- tries: one table grown to a billion numbers (its array doubles in one step)
-- max-memory: 256MiB
-- want: memory
-- peak-below: 512MiB
local t = {}
for i = 1, 1e9 do t[i] = i end
return "not stopped"

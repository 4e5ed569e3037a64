-- class: memory
-- tries: string.rep of 200 MiB (under the string limit) kept in a table
-- max-memory: 256MiB
-- want: memory
-- peak-below: 512MiB
local t = {}
for i = 1, 100 do t[i] = string.rep("x", 200 * 2^20) end
return "not stopped"

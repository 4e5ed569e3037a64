-- class: memory
-- tries: `s:upper():reverse():lower()` of 100 MiB kept in a table
-- max-memory: 256MiB
-- want: memory
-- peak-below: 512MiB
local s = string.rep("x", 100 * 2^20)
local t = {}
for i = 1, 20 do t[i] = s:upper():reverse():lower() end
return "not stopped"

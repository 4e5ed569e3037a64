-- class: memory
-- tries: a table of 1 MiB strings, grown towards 1 GiB
-- max-memory: 128MiB
-- want: memory
-- peak-below: 512MiB
local t = {}
for i = 1, 1024 do t[i] = string.rep("x", 2^20) .. i end
return "not stopped"

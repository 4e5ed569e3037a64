-- class: memory
-- tries: ten million small tables
-- max-memory: 128MiB
-- want: memory
-- peak-below: 512MiB
local t = {}
for i = 1, 10000000 do t[i] = {i} end
return "not stopped"

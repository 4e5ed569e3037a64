-- class: memory
-- tries: json.decode of 30 MiB of `[],[],…` (ten million tables, over 1 GiB as Lua values)
-- max-memory: 256MiB
-- want: ok
-- peak-below: 512MiB
local text = "[" .. string.rep("[],", 10 * 2^20) .. "[]]"
local ok, err = pcall(json.decode, text)
assert(not ok and err:find("json.decode needs more memory than the limit leaves"), err)
return "caught"

-- class: memory
-- tries: one `..` of 40 operands of 24 MiB (960 MiB joined in one allocation by gopher-lua)
-- max-memory: 128MiB
-- want: memory
-- peak-below: 896MiB
local s = string.rep("x", 24 * 2^20)
local r = s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s
return #r

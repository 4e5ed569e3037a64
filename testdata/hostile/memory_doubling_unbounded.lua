-- class: memory
-- tries: `s = s .. s` without end (one instruction builds 2 GiB, then 4 GiB, …)
-- max-memory: 256MiB
-- want: memory
-- peak-below: 512MiB
local s = "x"
for i = 1, 40 do s = s .. s end
return #s

-- class: memory
-- tries: `s = s .. s` towards 512 MiB (1 GiB with its garbage)
-- max-memory: 128MiB
-- want: memory
-- peak-below: 1024MiB
local s = "x"
for i = 1, 29 do s = s .. s end
return #s

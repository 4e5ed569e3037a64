-- class: memory
-- tries: `s = s .. s` past the string limit (256 MiB) under no memory limit: a Lua error it can catch
-- want: ok
local s = "x"
local ok, err = pcall(function() for i = 1, 40 do s = s .. s end end)
assert(not ok and err:find("concatenation %('%.%.'%): the result would be 536870912 bytes"), err)
return #s

-- class: depth
-- tries: unbounded recursion through pcall (Go recursion in the VM)
local function f() return pcall(f) end
assert(f() == true)

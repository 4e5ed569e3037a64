-- class: go-work
-- tries: `("a"):rep(1e6):gsub("a", "b")` (gopher-lua: 14 s for 10^5, quadratic)
local s, n = string.rep("a", 1000000):gsub("a", "b")
assert(n == 1000000 and #s == 1000000)

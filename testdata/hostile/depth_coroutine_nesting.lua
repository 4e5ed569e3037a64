-- class: depth
-- tries: coroutines resumed inside coroutines without end (a Lua state and Go stack each)
-- want: error
-- text: coroutines are nested more than 100 deep
-- max-memory: 256MiB
local function f() return coroutine.wrap(f)() end
return f()

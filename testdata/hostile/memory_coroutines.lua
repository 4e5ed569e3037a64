-- class: memory
-- tries: 20,000 suspended coroutines (each a Lua state of about 100 KB)
-- max-memory: 128MiB
-- want: memory
-- peak-below: 1024MiB
local all = {}
for i = 1, 20000 do
  local co = coroutine.create(function() coroutine.yield() end)
  coroutine.resume(co)
  all[i] = co
end
return "not stopped"

-- class: time
-- tries: a wrapped coroutine that catches the stop and yields forever
-- want: timeout
-- timeout: 300ms
local gen = coroutine.wrap(function()
  while true do pcall(function() while true do end end) coroutine.yield(1) end
end)
while true do pcall(gen) end

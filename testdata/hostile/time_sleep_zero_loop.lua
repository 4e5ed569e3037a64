-- class: time
-- tries: `sleep(0)` in a loop under pcall
-- want: timeout
-- timeout: 300ms
while true do pcall(sleep, 0) end

-- class: time
-- tries: `sleep(0)` in a loop under pcall
-- want: timeout
-- timeout: 300ms
-- within: 5s
while true do pcall(sleep, 0) end

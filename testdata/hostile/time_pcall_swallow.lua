-- class: time
-- tries: catching the stop with pcall, again and again
-- want: timeout
-- timeout: 300ms
while true do pcall(function() while true do end end) end

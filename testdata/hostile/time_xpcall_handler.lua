-- class: time
-- tries: an xpcall handler that loops after the deadline
-- want: timeout
-- timeout: 300ms
xpcall(function() while true do end end, function() while true do end end)
while true do end

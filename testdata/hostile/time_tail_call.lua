-- class: time
-- tries: `return pcall(loop)`: a tail call that ends the chunk after swallowing the stop
-- want: timeout
-- timeout: 300ms
return pcall(function() while true do end end)

-- class: time
-- tries: an endless loop in a coroutine, returned through a tail call
-- want: timeout
-- timeout: 300ms
return coroutine.resume(coroutine.create(function() while true do end end))

-- class: sandbox
-- tries: `setmetatable(1, {...})`, which gopher-lua applies to every number
-- want: error
-- text: table expected, got number
setmetatable(1, {__index = function() while true do end end})

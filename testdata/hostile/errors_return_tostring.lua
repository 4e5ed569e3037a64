-- class: errors
-- isolate: yes
-- tries: returning a value whose __tostring raises (gopher-lua crashed the host here)
return setmetatable({print}, {__tostring = function() error("no") end})

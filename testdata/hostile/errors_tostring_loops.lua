-- class: errors
-- isolate: yes
-- tries: raising a table whose __tostring loops: the host describes the error without hanging
-- want: error
-- text: (error object is a table value)
error(setmetatable({}, {__tostring = function() while true do end end}))

-- class: errors
-- isolate: yes
-- tries: raising a table whose __tostring raises (gopher-lua crashed the host here)
-- want: error
-- text: (error object is a table value)
error(setmetatable({}, {__tostring = function(self) error(self) end}))

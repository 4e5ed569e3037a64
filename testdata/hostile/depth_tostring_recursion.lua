-- class: depth
-- tries: a __tostring that calls tostring on itself
-- want: error
-- text: stack overflow
-- within: 5s
local t = setmetatable({}, {__tostring = function(self) return tostring(self) end})
return tostring(t)

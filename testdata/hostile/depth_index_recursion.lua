-- class: depth
-- tries: an __index function that indexes itself
-- want: error
-- text: stack overflow
local t = setmetatable({}, {__index = function(self, k) return self[k .. "x"] end})
return t.a

-- class: sandbox
-- tries: a source a million levels deep built at run time and given to loadstring (a fatal Go stack overflow)
-- want: error
-- text: attempt to call a non-function object
local src = "return " .. string.rep("{", 1000000) .. string.rep("}", 1000000)
return loadstring(src)

-- class: sandbox
-- tries: a source a million levels deep built at run time and given to loadstring (a fatal Go stack overflow)
-- want: error
-- text: loadstring is not available in the sandbox: scripts cannot compile code at run time
local src = "return " .. string.rep("{", 1000000) .. string.rep("}", 1000000)
return loadstring(src)

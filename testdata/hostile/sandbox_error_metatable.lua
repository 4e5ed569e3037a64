-- class: sandbox
-- tries: replacing the __tostring shared by every API error table
local ok, e = pcall(app.integrations.openai.openai_create_image, {prompt = "x", n = 0})
assert(not ok and e.type == "validation_error")
assert(getmetatable(e) == false, "the error metatable is hidden")
assert(not pcall(setmetatable, e, {}))
assert(not pcall(setmetatable, json.null, {}))
assert(tostring(e):find("parameter 'n'", 1, true))

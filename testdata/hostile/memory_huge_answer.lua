-- class: memory
-- tries: an API answer of 100 MiB (under the 256 MiB response cap, too large to convert under a 256 MiB limit)
-- max-memory: 256MiB
-- fault: huge-answer
-- want: ok
-- peak-below: 512MiB
local ok, err = pcall(app.integrations.openai.openai_list_models, {})
assert(not ok and type(err) == "table" and err.type == "invalid_response", tostring(err))
return err.message

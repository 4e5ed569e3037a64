-- class: sandbox
-- tries: `dofile(".env")`, which would run KEY="sk-…" as Lua and leak the key
-- want: error
-- text: attempt to call a non-function object
return dofile(".env")

-- class: sandbox
-- tries: `dofile(".env")`, which would run KEY="sk-…" as Lua and leak the key
-- want: error
-- text: dofile is not available in the sandbox: scripts cannot run other files
return dofile(".env")

-- class: sandbox
-- tries: `rawset(json, "encode", …)` past the read-only guard of kosmo's own tables
-- want: error
-- text: a library table is read-only
rawset(json, "encode", print)

-- class: sandbox
-- tries: `rawset(table, "insert", …)` past the read-only guard
-- want: error
-- text: a library table is read-only
rawset(table, "insert", print)

-- class: go-work
-- tries: `.-.-.-.-b` on 400 bytes: catastrophic backtracking (gopher-lua: hours)
-- want: error
-- text: pattern too complex (more than
return string.find(string.rep("a", 400), ".-.-.-.-b")

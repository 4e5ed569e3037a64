-- class: go-work
-- tries: a pattern of 100,000 optional items (410 MB of Go stack in gopher-lua's matcher)
-- want: error
-- text: pattern too complex (nested more than 200 levels)
return string.find(string.rep("a", 100000), string.rep("a?", 100000))

-- class: go-work
-- tries: the same backtracking with no step budget: only the deadline stops it
-- pattern-steps: -1
-- want: timeout
-- timeout: 300ms
return string.find(string.rep("a", 400), ".-.-.-.-b")

-- class: go-work
-- tries: backtracking in gsub with no step budget
-- pattern-steps: -1
-- want: timeout
-- timeout: 300ms
string.gsub(string.rep("a", 400), ".-.-.-.-b", "")

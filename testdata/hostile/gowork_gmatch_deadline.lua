-- class: go-work
-- tries: backtracking in gmatch, under pcall, with no step budget
-- pattern-steps: -1
-- want: timeout
-- timeout: 300ms
while true do pcall(function() for x in string.gmatch(string.rep("a", 400), ".-.-.-.-b") do end end) end

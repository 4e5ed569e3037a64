-- class: go-work
-- isolate: yes
-- tries: `table.concat` of 5,000 references to one 1 MiB string (5 GiB)
-- want: error
-- text: table.concat: the result would be
local s, t = string.rep("x", 2^20), {}
for i = 1, 5000 do t[i] = s end
return table.concat(t)

-- class: go-work
-- isolate: yes
-- tries: one `table.sort` of 10 million numbers with no comparator: seconds of Go work that gopher-lua's sort never interrupts
-- want: timeout
-- timeout: 4s
local t, n = {}, 10000000
for i = 1, n do t[i] = (i * 7919) % n end
table.sort(t)

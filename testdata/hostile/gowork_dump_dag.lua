-- class: go-work
-- isolate: yes
-- tries: `dump` of the same shared tables
-- want: error
-- text: dump: the result would be
local t = {}
for i = 1, 30 do t = {t, t} end
dump(t)

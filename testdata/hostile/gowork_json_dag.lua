-- class: go-work
-- isolate: yes
-- tries: `json.encode` of 31 tables sharing each other: 2^30 values written out
-- want: error
-- text: json.encode: the result would be
local t = {}
for i = 1, 30 do t = {t, t} end
return json.encode(t)

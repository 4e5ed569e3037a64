-- class: go-work
-- isolate: yes
-- tries: `string.format` with 20 `%q` of a 16 MiB string of quotes (640 MB)
-- want: error
-- text: string.format: the result would be
local s = string.rep('"', 16 * 2^20)
return string.format(string.rep("%q", 20), s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s)

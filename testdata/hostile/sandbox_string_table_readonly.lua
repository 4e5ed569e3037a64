-- class: sandbox
-- tries: replacing string.format, which every string's methods use
-- want: error
-- text: string is read-only (cannot set 'format')
string.format = function() return "pwned" end

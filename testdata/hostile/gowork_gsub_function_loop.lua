-- class: go-work
-- tries: a gsub replacement function that loops
-- want: timeout
-- timeout: 300ms
string.gsub("abc", "%w", function() while true do end end)

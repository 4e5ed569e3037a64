-- class: time
-- tries: an endless loop
-- want: timeout
-- timeout: 300ms
-- within: 5s
while true do end

-- class: time
-- tries: a sort comparator that keeps calling host functions, under pcall, after the deadline
-- want: timeout
-- timeout: 300ms
local t = {}
for i = 1, 200000 do t[i] = (i * 7919) % 200000 end
while true do
  pcall(table.sort, t, function(a, b) pcall(string.format, "%d", a) return a < b end)
end

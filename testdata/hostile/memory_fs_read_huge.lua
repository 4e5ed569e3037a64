-- class: memory
-- tries: fs.read of a 120 MiB file, kept in a table
-- max-memory: 256MiB
-- fs: read,write
-- want: memory
-- peak-below: 512MiB
fs.write(WRITE .. "/big.txt", string.rep("x", 120 * 2^20))
local t = {}
for i = 1, 20 do t[i] = fs.read(WRITE .. "/big.txt") end
return "not stopped"

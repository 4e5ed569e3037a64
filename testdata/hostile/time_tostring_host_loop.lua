-- class: time
-- tries: print of a table whose __tostring calls host functions forever
-- want: timeout
-- timeout: 300ms
print(setmetatable({}, {__tostring = function()
  while true do pcall(json.encode, {1, 2, 3}) pcall(string.rep, "x", 10) end
end}))

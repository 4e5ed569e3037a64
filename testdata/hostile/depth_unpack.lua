-- class: depth
-- tries: `unpack({}, 1, 1e9)`: a billion values on the Lua stack
-- want: error
-- text: registry overflow
return unpack({}, 1, 1e9)

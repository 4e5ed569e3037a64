-- class: go-work
-- isolate: yes
-- tries: `string.rep("x", 2^31)`: 2 GiB in one call
-- want: error
-- text: string.rep: the result would be 2147483648 bytes
return string.rep("x", 2^31)

-- class: go-work
-- isolate: yes
-- tries: `base64.encode` of 256 MiB (341 MiB out)
-- want: error
-- text: base64.encode: the result would be
return base64.encode(string.rep("x", 2^28))

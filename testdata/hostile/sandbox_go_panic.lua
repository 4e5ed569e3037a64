-- class: sandbox
-- tries: `math.random(0)`, a Go panic in gopher-lua, whose text reached the script
-- want: error
-- text: math.random: invalid arguments
math.random(0)

-- class: fs
-- tries: reading standard input (a key piped in, say) with no grant
-- want: error
-- text: stdin.read: reading standard input is not allowed; run kosmo with --allow-stdin
return stdin.read("a")

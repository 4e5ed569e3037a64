-- class: fs
-- tries: `fs.read` with no grant
-- want: error
-- text: reading files is not allowed; run kosmo with --allow-read=DIR
return fs.read("/etc/passwd")

-- class: go-work
-- isolate: yes
-- tries: `os.date` with a format of 16 M directives (400 MB)
-- want: error
-- text: os.date: the result would be
return os.date(string.rep("%c", 2^24))

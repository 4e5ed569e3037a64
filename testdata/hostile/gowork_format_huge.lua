-- class: go-work
-- isolate: yes
-- tries: `string.format` with 1,000 directives of width 10^6 (1 GB)
-- want: error
-- text: string.format: the result would be
return string.format(string.rep("%1000000d", 1000), 1)

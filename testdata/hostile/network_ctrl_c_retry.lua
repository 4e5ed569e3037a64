-- class: network
-- tries: Ctrl-C during a retry wait of 60 s (429 with Retry-After: 60)
-- fault: retry
-- cancel: 300ms
-- want: interrupted
return app.integrations.openai.openai_list_models()

-- class: network
-- tries: Ctrl-C in the middle of an HTTP call that takes a minute
-- fault: delay
-- cancel: 300ms
-- want: interrupted
return app.integrations.openai.openai_list_models()

package kosmo_test

import (
	"context"
	"fmt"

	"github.com/kosmo-run/kosmo"
	"github.com/kosmo-run/kosmo/accounts"
	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
)

// A Go program runs a script against the fake OpenAI server and reads the
// script's return value, its output and its call log.
func ExampleHost_Run() {
	fake := openaitest.NewServer()
	defer fake.Close()

	host := kosmo.New(kosmo.Options{
		Accounts: accounts.Config{"openai": {Default: "default", Accounts: []*integration.Account{
			{Name: "default", Key: integration.NewSecret(openaitest.DefaultAPIKey), BaseURL: fake.BaseURL()},
		}}},
	})
	res, err := host.Run(context.Background(), "agent.lua", `
		local r = app.integrations.openai.openai_chat_completion{
		  model = "gpt-4.1-nano",
		  messages = { { role = "user", content = "Hello" } },
		}
		print(r.choices[1].message.content)
		return r.usage.total_tokens > 0
	`)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Print(res.Output)
	fmt.Println(res.Values[0])
	fmt.Println(res.Calls[0].Function, res.Calls[0].Status)
	// Output:
	// This is a fake reply to: Hello
	// true
	// openai_chat_completion 200
}

// ReadDoc serves the same reference as lua_read_doc.
func ExampleHost_ReadDoc() {
	page, _ := kosmo.New(kosmo.Options{}).ReadDoc("integrations.openai.openai_list_models")
	fmt.Print(page)
	// Output:
	// ## openai_list_models
	//
	// List available OpenAI models.
	//
	// ### Parameters
	//
	// *No parameters required.*
	//
	// **Today:** `GET /v1/models`.
}

package kosmo_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo"
	"github.com/kosmo-run/kosmo/accounts"
	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
	"github.com/kosmo-run/kosmo/luabridge"
)

func fakeHost(t *testing.T, opts kosmo.Options) (*kosmo.Host, *openaitest.Server) {
	fake := openaitest.NewServer()
	t.Cleanup(fake.Close)
	opts.Accounts = accounts.Config{"openai": {Default: "default", Accounts: []*integration.Account{
		{Name: "default", Key: integration.NewSecret(openaitest.DefaultAPIKey), BaseURL: fake.BaseURL()},
	}}}
	return kosmo.New(opts), fake
}

func TestHostRunsScriptsConcurrently(t *testing.T) {
	host, fake := fakeHost(t, kosmo.Options{})
	var wg sync.WaitGroup
	errs := make([]error, 16)
	results := make([]*kosmo.Result, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = host.Run(context.Background(), "s.lua", fmt.Sprintf(`
				local r = app.integrations.openai.openai_create_embedding{ model = "text-embedding-3-small", input = "text %d" }
				print(#r.data[1].embedding)
				return %d`, i, i))
		}()
	}
	wg.Wait()
	for i := range 16 {
		require.NoError(t, errs[i])
		assert.Equal(t, []any{float64(i)}, results[i].Values)
		assert.Equal(t, "1536\n", results[i].Output)
		require.Len(t, results[i].Calls, 1)
	}
	assert.Len(t, fake.Requests(), 16)
}

func TestHostReportsScriptErrorsWithPartialResults(t *testing.T) {
	host, _ := fakeHost(t, kosmo.Options{ReadOnly: true})
	res, err := host.Run(context.Background(), "s.lua", `print("before"); app.integrations.openai.openai_list_models(); app.integrations.openai.openai_create_thread{}`)
	var se *luabridge.ScriptError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "policy_error", se.Fields["type"])
	assert.Equal(t, "before\n", res.Output)
	require.Len(t, res.Calls, 2)
	assert.Equal(t, 200, res.Calls[0].Status)
	assert.Equal(t, "openai_create_thread", res.Calls[1].Function)
	assert.Zero(t, res.Calls[1].Attempts, "the refused write was never sent")
	assert.Error(t, res.Calls[1].Err)
}

package kosmo_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo"
	"github.com/kosmo-run/kosmo/accounts"
	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
)

func TestHostCall(t *testing.T) {
	// The speech call below needs a speech model: OpenAI shuts them down
	// on 2027-01-06, so the fake runs on the day before.
	t.Setenv(openaitest.DateEnv, "2027-01-05")
	host, fake := fakeHost(t, kosmo.Options{})
	for _, name := range []string{"openai.openai_list_models", "openai.list_models", "openai_list_models"} {
		res, err := host.Call(context.Background(), name, "", nil)
		require.NoError(t, err, name)
		assert.Equal(t, "openai_list_models", res.Function)
		assert.Equal(t, "default", res.Account)
		assert.Equal(t, integration.Read, res.Operation)
		var list struct{ Data []any }
		require.NoError(t, json.Unmarshal(res.Data, &list))
		assert.NotEmpty(t, list.Data)
		assert.Equal(t, 200, res.Call.Status)
	}
	assert.Len(t, fake.Requests(), 3)

	res, err := host.Call(context.Background(), "openai.openai_text_to_speech", "default",
		map[string]any{"model": "tts-1", "input": "hi", "voice": "alloy", "response_format": "wav"})
	require.NoError(t, err)
	var speech map[string]any
	require.NoError(t, json.Unmarshal(res.Data, &speech))
	assert.Equal(t, "audio/wav", speech["content_type"])
}

func TestHostCallErrors(t *testing.T) {
	host, fake := fakeHost(t, kosmo.Options{ReadOnly: true})
	ctx := context.Background()
	_, err := host.Call(ctx, "openai.openai_chat_complete", "", nil)
	require.ErrorIs(t, err, kosmo.ErrUnknownFunction)
	assert.Contains(t, err.Error(), `did you mean "openai.openai_chat_completion"?`)

	_, err = host.Call(ctx, "openai.openai_list_models", "work", nil)
	require.ErrorIs(t, err, accounts.ErrUnknownAccount)

	_, err = host.Call(ctx, "openai.openai_create_image", "", map[string]any{"prompt": "x", "n": 0.0})
	var ve *integration.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "openai_create_image: parameter 'n': integer between 1 and 10 expected, got 0", err.Error())

	_, err = host.Call(ctx, "openai.openai_create_thread", "", nil)
	var pe *integration.PolicyError
	require.ErrorAs(t, err, &pe)

	_, err = host.Call(ctx, "openai.openai_get_run", "", map[string]any{"thread_id": "thread_x", "run_id": "run_y"})
	var ae *integration.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 404, ae.Status)
	assert.Len(t, fake.Requests(), 1, "only the get_run was sent")
}

func TestHostCallDryRun(t *testing.T) {
	host, fake := fakeHost(t, kosmo.Options{DryRun: true})
	res, err := host.Call(context.Background(), "openai.openai_create_thread", "", map[string]any{
		"messages": []any{map[string]any{"role": "user", "content": "Hi"}}})
	require.NoError(t, err)
	var plan map[string]any
	require.NoError(t, json.Unmarshal(res.Data, &plan))
	assert.Equal(t, true, plan["dry_run"])
	assert.Equal(t, "POST", plan["method"])
	assert.Equal(t, fake.BaseURL()+"/conversations", plan["url"])
	assert.Len(t, plan["requests"], 1)

	res, err = host.Call(context.Background(), "openai.openai_create_assistant", "", map[string]any{"model": "gpt-4.1-nano"})
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(res.Data, &plan))
	assert.Equal(t, []any{}, plan["requests"], "an assistant is kept by kosmo: no request")
	assert.Len(t, plan["store"], 1)
	assert.Empty(t, fake.Requests())
	assert.Equal(t, 0, countAssistants(t, host), "a dry run stores nothing")
}

func countAssistants(t *testing.T, host *kosmo.Host) int {
	t.Helper()
	res, err := host.Call(context.Background(), "openai.openai_list_assistants", "", nil)
	require.NoError(t, err)
	var list struct{ Data []any }
	require.NoError(t, json.Unmarshal(res.Data, &list))
	return len(list.Data)
}

// TestHostCallTakesGoValues: a Go program passes the values it has (int,
// []string, []map[string]any, map[string]string), not only what
// encoding/json would decode; they reach the API as the same JSON.
func TestHostCallTakesGoValues(t *testing.T) {
	host, fake := fakeHost(t, kosmo.Options{})
	ctx := context.Background()
	res, err := host.Call(ctx, "openai_chat_completion", "", map[string]any{
		"model":                 "gpt-5.1",
		"messages":              []map[string]any{{"role": "user", "content": "hi"}},
		"max_completion_tokens": 50,
		"seed":                  int64(7),
		"stop":                  []string{"END"},
		"metadata":              map[string]string{"run": "go"},
		"temperature":           float32(1),
	})
	require.NoError(t, err)
	assert.Equal(t, 200, res.Call.Status)
	reqs := fake.Requests()
	require.Len(t, reqs, 1)
	var sent map[string]any
	require.NoError(t, json.Unmarshal(reqs[0].Body, &sent))
	assert.Equal(t, 50.0, sent["max_completion_tokens"])
	assert.Equal(t, 7.0, sent["seed"])
	assert.Equal(t, []any{"END"}, sent["stop"])
	assert.Equal(t, map[string]any{"run": "go"}, sent["metadata"])

	_, err = host.Call(ctx, "openai_chat_completion", "", map[string]any{
		"model": "gpt-5.1", "messages": []map[string]any{{"role": "user", "content": "hi"}}, "max_completion_tokens": 2.5,
	})
	require.Error(t, err, "a Go float that is not whole is still no integer")
	assert.Contains(t, err.Error(), "max_completion_tokens")
	assert.Len(t, fake.Requests(), 1, "nothing sent")
}

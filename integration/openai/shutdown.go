package openai

import (
	"context"
	"errors"
	"time"

	in "github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai/retired"
)

// withShutdown adds the tables' shutdown date to the API's model_not_found
// answer for model (chat, embedding and media models alike): "(gpt-4o was
// shut down on 2027-01-14)", by the clock of x's account (the fake's day
// under kosmo run --fake with a date), else the host's.
func withShutdown(x *in.Exchange, err error, model string) error {
	var apiErr *in.APIError
	if errors.As(err, &apiErr) && apiErr.Code == "model_not_found" {
		now := time.Now
		if acct := x.Account(); acct != nil && acct.Clock != nil {
			now = acct.Clock
		}
		if note := retired.Note(model, now()); note != "" {
			apiErr.Message += " (" + note + ")"
		}
	}
	return err
}

// runEmbedding sends an embedding request as written.
func runEmbedding(ctx context.Context, x *in.Exchange, args in.Args) (*in.Result, error) {
	model, _ := args["model"].(string)
	res, err := x.Standard(ctx, args)
	return res, withShutdown(x, err, model)
}

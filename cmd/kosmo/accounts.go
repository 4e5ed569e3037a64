package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/kosmo-run/kosmo/accounts"
	"github.com/kosmo-run/kosmo/integration"
)

// accountView is one account as `kosmo accounts` shows it: never the key.
type accountView struct {
	Integration string `json:"integration"`
	Account     string `json:"account"`
	Default     bool   `json:"default"`
	BaseURL     string `json:"base_url"`
	KeySource   string `json:"key_source"`
	Key         string `json:"key"`
	ReadOnly    bool   `json:"read_only"`
	// Settings are the integration's own account settings, defaults
	// included (assistants: responses).
	Settings map[string]string `json:"settings,omitempty"`
}

// checkView is the outcome of `kosmo accounts check` for one account.
type checkView struct {
	Integration string `json:"integration"`
	Account     string `json:"account"`
	OK          bool   `json:"ok"`
	Models      int    `json:"models,omitempty"`
	Status      int    `json:"status,omitempty"`
	Error       string `json:"error,omitempty"`
}

func (a *app) newAccountsCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "accounts",
		Short: "List the configured accounts (keys redacted)",
		Example: `  kosmo accounts
  kosmo accounts --json
  kosmo accounts check work`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.loadAccounts(false)
			if err != nil {
				return err
			}
			views := a.accountViews(cfg)
			if asJSON {
				return a.writeJSON(views)
			}
			tw := tabwriter.NewWriter(a.env.Stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "INTEGRATION\tACCOUNT\tDEFAULT\tBASE URL\tKEY FROM\tKEY\tSETTINGS")
			for _, v := range views {
				def := ""
				if v.Default {
					def = "*"
				}
				name := v.Account
				if v.ReadOnly {
					name += " (read-only)"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", v.Integration, name, def, v.BaseURL, v.KeySource, v.Key, settingsText(v.Settings))
			}
			if len(views) == 0 {
				fmt.Fprintln(tw, "(none: set OPENAI_API_KEY or write a config file; see the README)")
			}
			return tw.Flush()
		},
	}
	cmd.PersistentFlags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.AddCommand(&cobra.Command{
		Use:   "check [ACCOUNT]",
		Short: "Call openai_list_models with each account (or one) and report ok or the API's error",
		Args:  argsUsage(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := ""
			if len(args) == 1 {
				name = args[0]
			}
			return a.checkAccounts(cmd.Context(), name, asJSON)
		},
	})
	return cmd
}

func (a *app) accountViews(cfg accounts.Config) []accountView {
	var views []accountView
	for _, in := range a.integrations {
		set := cfg[in.Name]
		if set == nil {
			continue
		}
		for _, acct := range set.Accounts {
			base := acct.BaseURL
			if base == "" {
				base = in.DefaultBaseURL
			}
			settings := map[string]string{}
			for _, st := range in.Settings {
				settings[st.Name] = in.AccountSetting(acct, st.Name)
			}
			views = append(views, accountView{Integration: in.Name, Account: acct.Name, Default: acct.Name == set.Default,
				BaseURL: base, KeySource: acct.KeySource, Key: acct.Key.Redacted(), ReadOnly: acct.ReadOnly, Settings: settings})
		}
	}
	return views
}

// settingsText shows settings as "name=value" pairs, sorted.
func settingsText(settings map[string]string) string {
	names := make([]string, 0, len(settings))
	for k := range settings {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = k + "=" + settings[k]
	}
	return strings.Join(parts, " ")
}

// checkFunction is the read-only call that proves an account works.
const checkFunction = "openai_list_models"

func (a *app) checkAccounts(ctx context.Context, only string, asJSON bool) error {
	cfg, err := a.loadAccounts(false)
	if err != nil {
		return err
	}
	client := integration.NewClient()
	var results []checkView
	failed := 0
	for _, in := range a.integrations {
		fn := in.Function(checkFunction)
		set := cfg[in.Name]
		if fn == nil || set == nil {
			continue
		}
		for _, acct := range set.Accounts {
			if only != "" && acct.Name != only && !(only == accounts.DefaultName && acct.Name == set.Default) {
				continue
			}
			results = append(results, check(ctx, client, in, fn, acct))
			if !results[len(results)-1].OK {
				failed++
			}
		}
	}
	if only != "" && len(results) == 0 {
		return fmt.Errorf("%w: %q (configured: %s)", accounts.ErrUnknownAccount, only, configuredNames(cfg))
	}
	if asJSON {
		if err := a.writeJSON(results); err != nil {
			return err
		}
	} else {
		for _, r := range results {
			if r.OK {
				fmt.Fprintf(a.env.Stdout, "%s/%s: ok (%d models)\n", r.Integration, r.Account, r.Models)
			} else {
				fmt.Fprintf(a.env.Stdout, "%s/%s: %s\n", r.Integration, r.Account, r.Error)
			}
		}
	}
	if failed > 0 {
		return &checkFailed{failed: failed, total: len(results)}
	}
	return nil
}

func check(ctx context.Context, client *integration.Client, in *integration.Integration, fn *integration.Function, acct *integration.Account) checkView {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v := checkView{Integration: in.Name, Account: acct.Name}
	res, info, err := client.Invoke(ctx, in, fn, acct, integration.Args{})
	v.Status = info.Status
	if err != nil {
		v.Error = err.Error()
		return v
	}
	var list struct {
		Data []json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(res.JSON, &list); err != nil {
		v.Error = "the answer is not a model list"
		return v
	}
	v.OK, v.Models = true, len(list.Data)
	return v
}

func configuredNames(cfg accounts.Config) string {
	s := ""
	for name, set := range cfg {
		for _, n := range set.Names() {
			if s != "" {
				s += ", "
			}
			s += name + "/" + n
		}
	}
	if s == "" {
		return "none"
	}
	return s
}

// checkFailed is `accounts check` finding an account that does not work.
type checkFailed struct{ failed, total int }

func (e *checkFailed) Error() string {
	return fmt.Sprintf("%d of %d accounts failed the check", e.failed, e.total)
}

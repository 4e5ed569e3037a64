package main

import (
	"context"
	"encoding/json"
	"errors"
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
	// KeyError says why the account has no key (an unset variable, an
	// unreadable key file); calls through it fail with it.
	KeyError string `json:"key_error,omitempty"`
	ReadOnly bool   `json:"read_only"`
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
	// KeyError is set when the account has no key: nothing was sent.
	KeyError string `json:"key_error,omitempty"`
}

func (a *app) newAccountsCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "accounts",
		Short: "List the configured accounts (keys redacted)",
		Long: `List every configured account: integration, name, default, base URL, where the key comes
from and the key redacted. An account whose key cannot be read (its api_key_env variable is
not set, its api_key_file cannot be read) is listed too, with the reason in the KEY column
("missing: …") and in key_error with --json; calls through it fail with that reason (exit
code 6), the other accounts work.

Accounts come from OPENAI_API_KEY (the default account) or from a config file: --config FILE,
$KOSMO_CONFIG, ~/.config/kosmo/config.yaml (.yml, .toml, .json) or ./kosmo.yaml, e.g.

  integrations:
    openai:
      default: work
      accounts:
        work:     { api_key_env: OPENAI_WORK_KEY }
        personal: { api_key_file: ~/.config/kosmo/personal.key, read_only: true }`,
		Example: `  kosmo accounts
  kosmo accounts --json
  kosmo accounts check work`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.loadAccounts(cmd.Context(), false)
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
				key := v.Key
				if v.KeyError != "" {
					key = "missing: " + v.KeyError
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", v.Integration, name, def, v.BaseURL, orDash(v.KeySource), key, settingsText(v.Settings))
			}
			if len(views) == 0 {
				fmt.Fprintln(tw, "(none: set OPENAI_API_KEY or write a config file; see the README)")
			}
			return tw.Flush()
		},
	}
	cmd.PersistentFlags().BoolVar(&asJSON, "json", false, "print JSON")
	var timeout *timeoutFlag
	checkCmd := &cobra.Command{
		Use:   "check [ACCOUNT]",
		Short: "Call openai_list_models with each account (or one) and report ok or the API's error",
		Long: `Call openai_list_models with each account (or the one named) and print "ok" or why not.
An account whose key is missing is reported as failed with the reason, without sending
anything, and the others are checked. Exit code: 0 when every account works, 4 when a call
fails, 6 when the only failures are missing keys, and 6 when no account is configured at
all (a check of nothing is not a success).`,
		Example: `  kosmo accounts check            # every account
  kosmo accounts check work       # one account
  kosmo accounts check --json     # [{integration, account, ok, models, status, error, key_error}]
  kosmo accounts check --timeout 5s  # give up on an account after 5 s`,
		Args: argsUsage(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := ""
			if len(args) == 1 {
				name = args[0]
			}
			return a.checkAccounts(cmd.Context(), name, asJSON, timeout)
		},
	}
	timeout = addTimeoutFlag(checkCmd, defaultCheckTimeout, "each account's check, retries and their waits included")
	cmd.AddCommand(checkCmd)
	return cmd
}

func (a *app) accountViews(cfg accounts.Config) []accountView {
	views := []accountView{}
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
				BaseURL: integration.RedactUserinfo(base), KeySource: acct.KeySource, Key: acct.Key.Redacted(), KeyError: acct.KeyError, ReadOnly: acct.ReadOnly, Settings: settings})
		}
	}
	return views
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
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

// defaultCheckTimeout bounds one account's check: a stalled server must
// not hold up the others.
const defaultCheckTimeout = 30 * time.Second

func (a *app) checkAccounts(ctx context.Context, only string, asJSON bool, timeout *timeoutFlag) error {
	cfg, err := a.loadAccounts(ctx, false)
	if err != nil {
		return err
	}
	if !anyAccount(cfg) {
		if asJSON {
			if err := a.writeJSON([]checkView{}); err != nil {
				return err
			}
		}
		return &nothingToCheck{integrations: a.integrations}
	}
	client := integration.NewClient()
	results := []checkView{}
	failed, missing := 0, 0
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
			r := check(ctx, client, in, fn, acct, timeout)
			results = append(results, r)
			switch {
			case r.KeyError != "":
				failed++
				missing++
			case !r.OK:
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
				fmt.Fprintf(a.env.Stdout, "%s/%s: %s\n", r.Integration, r.Account, oneLine(r.Error))
			}
		}
	}
	if failed > 0 {
		return &checkFailed{failed: failed, missing: missing, total: len(results)}
	}
	return nil
}

func check(ctx context.Context, client *integration.Client, in *integration.Integration, fn *integration.Function, acct *integration.Account, timeout *timeoutFlag) checkView {
	ctx, cancel := timeout.bound(ctx)
	defer cancel()
	v := checkView{Integration: in.Name, Account: acct.Name}
	res, info, err := client.Invoke(ctx, in, fn, acct, integration.Args{})
	v.Status = info.Status
	if err != nil {
		v.Error = timeout.explain(ctx, err, checkFunction).Error()
		if errors.Is(err, accounts.ErrCredentials) {
			v.KeyError = acct.KeyError
		}
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

func anyAccount(cfg accounts.Config) bool {
	for _, set := range cfg {
		if len(set.Names()) > 0 {
			return true
		}
	}
	return false
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

// checkFailed is `accounts check` finding accounts that do not work;
// missing of them have no key.
type checkFailed struct{ failed, missing, total int }

func (e *checkFailed) Error() string {
	msg := fmt.Sprintf("%d of %d accounts failed the check", e.failed, e.total)
	if e.missing > 0 {
		msg += fmt.Sprintf(" (%d without a key)", e.missing)
	}
	return msg
}

// onlyMissingKeys reports whether every failure is a missing key.
func (e *checkFailed) onlyMissingKeys() bool { return e.missing == e.failed }

// nothingToCheck is `accounts check` with no account configured: a check
// of nothing is not a success. errors.Is(err, accounts.ErrCredentials)
// holds, as for any call made with no key.
type nothingToCheck struct{ integrations []*integration.Integration }

func (e *nothingToCheck) Error() string {
	vars := make([]string, 0, len(e.integrations))
	for _, in := range e.integrations {
		vars = append(vars, in.Env.APIKey)
	}
	return fmt.Sprintf("no account is configured, so there is nothing to check: set %s, or add accounts to a config file (see 'kosmo accounts --help')",
		strings.Join(vars, " or "))
}

func (e *nothingToCheck) Is(target error) bool { return target == accounts.ErrCredentials }

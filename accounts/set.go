package accounts

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kosmo-run/kosmo/integration"
)

// DefaultName is the namespace key that always means an integration's
// default account.
const DefaultName = "default"

// ListFunction is the namespace function that lists account names
// (app.integrations.openai.accounts()); no account may take its name.
const ListFunction = "accounts"

// Set holds the accounts of one integration.
type Set struct {
	// Default names the default account ("" when there is none).
	Default string
	// Accounts sorted by name.
	Accounts []*integration.Account
	// Unconfigured, when the set has no account, stands in for the default
	// account: it has no key, and its KeyError says how to configure one.
	// A call through it is refused with that message before anything is
	// sent, while a dry run, which sends nothing, can still show what it
	// would send. Load sets it; it is never listed (Names).
	Unconfigured *integration.Account
}

// Get returns the account named name; DefaultName gives the default (the
// Unconfigured stand-in when the set has no account). Nil when there is
// none.
func (s *Set) Get(name string) *integration.Account {
	if s == nil {
		return nil
	}
	if name == DefaultName && len(s.Accounts) == 0 && s.Unconfigured != nil {
		return s.Unconfigured
	}
	if name == DefaultName && s.Default != "" {
		name = s.Default
	}
	for _, a := range s.Accounts {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// Names lists the account names, sorted.
func (s *Set) Names() []string {
	if s == nil {
		return nil
	}
	names := make([]string, len(s.Accounts))
	for i, a := range s.Accounts {
		names[i] = a.Name
	}
	sort.Strings(names)
	return names
}

// Config maps an integration name to its accounts.
type Config map[string]*Set

// Resolve returns the account name means for integration (DefaultName: the
// default). Its errors say what is configured; one for an unknown account
// wraps ErrUnknownAccount.
func (c Config) Resolve(integration, name string) (*integration.Account, error) {
	set := c[integration]
	if name == "" {
		name = DefaultName
	}
	if a := set.Get(name); a != nil {
		return a, nil
	}
	if name == DefaultName {
		if len(set.Names()) == 0 {
			return nil, credentialf("no %s account is configured: set its API key variable or add accounts to the config file", integration)
		}
		return nil, fmt.Errorf("%s has no default account (accounts: %s)", integration, strings.Join(set.Names(), ", "))
	}
	return nil, fmt.Errorf("%w: %s has no account %q (accounts: %s)", ErrUnknownAccount, integration, name, strings.Join(set.Names(), ", "))
}

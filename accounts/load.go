package accounts

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/viper"

	"github.com/kosmo-run/kosmo/integration"
)

// Sources are the process facts the loader reads; main injects them so that
// tests run without a real HOME or environment.
type Sources struct {
	// ConfigFile is the --config flag; "" searches.
	ConfigFile string
	// Getenv reads the environment; nil reads nothing.
	Getenv func(string) string
	// HomeDir and WorkDir anchor the search path.
	HomeDir, WorkDir string
	// ReadFile reads key files; nil uses os.ReadFile.
	ReadFile func(string) ([]byte, error)
	// IgnoreKeys loads accounts without reading their keys (for the fake).
	IgnoreKeys bool
	// Account is the --account flag: the default account of every
	// integration that has an account of that name.
	Account string
	// Warn receives warnings (a key file others can read); nil drops them.
	Warn func(string)
	// Stat reads file modes; nil uses os.Stat.
	Stat func(string) (os.FileInfo, error)
}

func (s Sources) warn(msg string) {
	if s.Warn != nil {
		s.Warn(msg)
	}
}

func (s Sources) stat(path string) (os.FileInfo, error) {
	if s.Stat != nil {
		return s.Stat(path)
	}
	return os.Stat(path)
}

func (s Sources) getenv(k string) string {
	if s.Getenv == nil {
		return ""
	}
	return s.Getenv(k)
}

// Extensions of the config files searched for, in order.
var configExtensions = []string{"yaml", "yml", "toml", "json"}

// ErrCredentials marks a configuration error about a key: none given, an
// environment variable that is not set, a key file that cannot be read.
var ErrCredentials = errors.New("credentials")

// ErrUnknownAccount marks an --account (or KOSMO_<NAME>_ACCOUNT) that names
// no configured account.
var ErrUnknownAccount = errors.New("unknown account")

// credentialError is a key problem; errors.Is(err, ErrCredentials) holds.
type credentialError struct{ msg string }

func (e *credentialError) Error() string        { return e.msg }
func (e *credentialError) Is(target error) bool { return target == ErrCredentials }

func credentialf(format string, a ...any) error {
	return &credentialError{fmt.Sprintf(format, a...)}
}

// ConfigError is a problem with the configuration, naming the file.
type ConfigError struct {
	File string
	Err  error
}

// Error implements error.
func (e *ConfigError) Error() string {
	if e.File == "" {
		return "config: " + e.Err.Error()
	}
	return "config " + e.File + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *ConfigError) Unwrap() error { return e.Err }

// fileConfig is the config file's schema.
type fileConfig struct {
	Integrations map[string]integrationConfig `mapstructure:"integrations"`
	// Store is where the host keeps its state (a file path).
	Store string `mapstructure:"store"`
}

// Loaded is everything the configuration says.
type Loaded struct {
	// Accounts per integration.
	Accounts Config
	// File is the config file read, "" when none.
	File string
	// Store is where the host keeps its state: $KOSMO_STORE, else the
	// file's store key ("~/" expanded), else "" for the default place.
	Store string
}

type integrationConfig struct {
	Default  string                   `mapstructure:"default"`
	Accounts map[string]accountConfig `mapstructure:"accounts"`
}

type accountConfig struct {
	APIKey       string `mapstructure:"api_key"`
	APIKeyEnv    string `mapstructure:"api_key_env"`
	APIKeyFile   string `mapstructure:"api_key_file"`
	BaseURL      string `mapstructure:"base_url"`
	Organization string `mapstructure:"organization"`
	Project      string `mapstructure:"project"`
	Timeout      string `mapstructure:"timeout"`
	MaxRetries   *int   `mapstructure:"max_retries"`
	ReadOnly     bool   `mapstructure:"read_only"`
	// Settings are the other keys: the integration's own settings
	// (integration.Setting), checked against what it declares.
	Settings map[string]any `mapstructure:",remain"`
}

// commonKeys are the account keys every integration has.
var commonKeys = []string{"api_key", "api_key_env", "api_key_file", "base_url", "organization", "project", "timeout", "max_retries", "read_only"}

var accountName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// FindConfig returns the config file to read: the explicit one, then
// $KOSMO_CONFIG, then $XDG_CONFIG_HOME/kosmo/config.* (or
// ~/.config/kosmo/config.*), then ./kosmo.*; "" when there is none.
func FindConfig(src Sources) (string, error) {
	if src.ConfigFile != "" {
		if _, err := os.Stat(src.ConfigFile); err != nil {
			return "", &ConfigError{File: src.ConfigFile, Err: errors.New("cannot read the file given with --config")}
		}
		return src.ConfigFile, nil
	}
	if f := src.getenv("KOSMO_CONFIG"); f != "" {
		if _, err := os.Stat(f); err != nil {
			return "", &ConfigError{File: f, Err: errors.New("cannot read the file named by KOSMO_CONFIG")}
		}
		return f, nil
	}
	var candidates []string
	xdg := src.getenv("XDG_CONFIG_HOME")
	if xdg == "" && src.HomeDir != "" {
		xdg = filepath.Join(src.HomeDir, ".config")
	}
	for _, ext := range configExtensions {
		if xdg != "" {
			candidates = append(candidates, filepath.Join(xdg, "kosmo", "config."+ext))
		}
	}
	for _, ext := range configExtensions {
		if src.WorkDir != "" {
			candidates = append(candidates, filepath.Join(src.WorkDir, "kosmo."+ext))
		}
	}
	for _, c := range candidates {
		if st, err := os.Stat(c); err == nil && !st.IsDir() {
			return c, nil
		}
	}
	return "", nil
}

// Load reads the accounts of the given integrations. Precedence, lowest
// first: defaults, the config file found by FindConfig, the environment,
// flags (Sources.Account). The integration's variables (OPENAI_API_KEY,
// OPENAI_BASE_URL, OPENAI_ORG_ID, OPENAI_PROJECT_ID) override the default
// account's settings, or make a "default" account when the file has none;
// KOSMO_<INTEGRATION>_ACCOUNT and then --account choose the default.
func Load(src Sources, integrations []*integration.Integration) (Config, string, error) {
	l, err := LoadAll(src, integrations)
	return l.Accounts, l.File, err
}

// LoadAll is Load, with the host settings of the config file too.
func LoadAll(src Sources, integrations []*integration.Integration) (Loaded, error) {
	cfg, file, fc, err := load(src, integrations)
	l := Loaded{Accounts: cfg, File: file, Store: expandHome(fc.Store, src.HomeDir)}
	if v := src.getenv("KOSMO_STORE"); v != "" {
		l.Store = v
	}
	return l, err
}

func load(src Sources, integrations []*integration.Integration) (Config, string, fileConfig, error) {
	file, err := FindConfig(src)
	if err != nil {
		return nil, "", fileConfig{}, err
	}
	var fc fileConfig
	if file != "" {
		v := viper.New()
		v.SetConfigFile(file)
		if err := v.ReadInConfig(); err != nil {
			return nil, file, fc, &ConfigError{File: file, Err: errors.New(cleanViperError(err))}
		}
		strict := func(c *mapstructure.DecoderConfig) { c.WeaklyTypedInput = false }
		if err := v.UnmarshalExact(&fc, strict); err != nil {
			return nil, file, fc, &ConfigError{File: file, Err: errors.New(cleanViperError(err))}
		}
	}
	known := map[string]*integration.Integration{}
	for _, in := range integrations {
		known[in.Name] = in
	}
	for name := range fc.Integrations {
		if known[name] == nil {
			return nil, file, fc, &ConfigError{File: file, Err: fmt.Errorf("unknown integration %q (known: %s)", name, strings.Join(sortedKeys(known), ", "))}
		}
	}
	cfg := Config{}
	for _, in := range integrations {
		set, err := buildSet(in, fc.Integrations[in.Name], src)
		if err != nil {
			return nil, file, fc, &ConfigError{File: file, Err: err}
		}
		cfg[in.Name] = set
	}
	return cfg, file, fc, nil
}

func buildSet(in *integration.Integration, ic integrationConfig, src Sources) (*Set, error) {
	set, err := fileSet(in, ic, src)
	if err != nil {
		return nil, err
	}
	if len(set.Accounts) == 0 && src.getenv(in.Env.APIKey) != "" && !src.IgnoreKeys {
		set.Default = DefaultName
		set.Accounts = []*integration.Account{{Name: DefaultName}}
	}
	if err := chooseDefault(in, set, src); err != nil {
		return nil, err
	}
	applyEnv(in, set, src)
	return set, nil
}

// chooseDefault applies KOSMO_<NAME>_ACCOUNT, then --account.
func chooseDefault(in *integration.Integration, set *Set, src Sources) error {
	envName := "KOSMO_" + strings.ToUpper(in.Name) + "_ACCOUNT"
	for _, choice := range []struct{ name, from string }{{src.getenv(envName), envName}, {src.Account, "--account"}} {
		if choice.name == "" || choice.name == DefaultName {
			continue
		}
		if !contains(set.Names(), choice.name) {
			return fmt.Errorf("%w: %s names %q, but %s has %s", ErrUnknownAccount, choice.from, choice.name, in.Name, describe(set))
		}
		set.Default = choice.name
	}
	return nil
}

func describe(set *Set) string {
	if len(set.Accounts) == 0 {
		return "no accounts"
	}
	return "accounts " + strings.Join(set.Names(), ", ")
}

// applyEnv lets the integration's environment variables override the
// default account's settings.
func applyEnv(in *integration.Integration, set *Set, src Sources) {
	key := src.getenv(in.Env.APIKey)
	acct := set.Get(DefaultName)
	if acct == nil {
		return
	}
	if key != "" && !src.IgnoreKeys {
		acct.Key, acct.KeySource = integration.NewSecret(key), "env "+in.Env.APIKey
	}
	for _, o := range []struct {
		field *string
		name  string
	}{{&acct.BaseURL, in.Env.BaseURL}, {&acct.Organization, in.Env.Organization}, {&acct.Project, in.Env.Project}} {
		if v := src.getenv(o.name); v != "" {
			*o.field = v
		}
	}
}

// fileSet builds the accounts the config file declares.
func fileSet(in *integration.Integration, ic integrationConfig, src Sources) (*Set, error) {
	set := &Set{}
	if len(ic.Accounts) == 0 {
		if ic.Default != "" {
			return nil, fmt.Errorf("%s: default account %q is not among the accounts (none are configured)", in.Name, ic.Default)
		}
		return set, nil
	}
	names := make([]string, 0, len(ic.Accounts))
	for name := range ic.Accounts {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		acct, err := buildAccount(in, name, ic.Accounts[name], src)
		if err != nil {
			return nil, fmt.Errorf("%s account %q: %w", in.Name, name, err)
		}
		set.Accounts = append(set.Accounts, acct)
	}
	switch {
	case ic.Default != "":
		if !contains(names, ic.Default) {
			return nil, fmt.Errorf("%s: default account %q is not among the accounts (%s)", in.Name, ic.Default, strings.Join(names, ", "))
		}
		set.Default = ic.Default
	case len(names) == 1:
		set.Default = names[0]
	case contains(names, DefaultName):
		set.Default = DefaultName
	default:
		return nil, fmt.Errorf("%s: %d accounts and no default: set %q to one of %s", in.Name, len(names), "default", strings.Join(names, ", "))
	}
	if contains(names, DefaultName) && set.Default != DefaultName {
		return nil, fmt.Errorf("%s: an account named %q must be the default account (default is %q)", in.Name, DefaultName, set.Default)
	}
	return set, nil
}

func buildAccount(in *integration.Integration, name string, ac accountConfig, src Sources) (*integration.Account, error) {
	if !accountName.MatchString(name) {
		return nil, errors.New("account names are lowercase identifiers (a-z, 0-9, _; starting with a letter)")
	}
	if in.Function(name) != nil {
		return nil, fmt.Errorf("the name collides with the function %s", name)
	}
	if name == ListFunction {
		return nil, fmt.Errorf("the name is reserved for app.integrations.%s.%s()", in.Name, ListFunction)
	}
	settings, err := accountSettings(in, ac.Settings)
	if err != nil {
		return nil, err
	}
	acct := &integration.Account{Name: name, BaseURL: ac.BaseURL, Organization: ac.Organization, Project: ac.Project,
		MaxRetries: ac.MaxRetries, ReadOnly: ac.ReadOnly, Settings: settings}
	if !src.IgnoreKeys {
		key, source, err := readKey(ac, src)
		if err != nil {
			return nil, err
		}
		acct.Key, acct.KeySource = key, source
	}
	if ac.Timeout != "" {
		d, err := time.ParseDuration(ac.Timeout)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("timeout %q: a positive duration such as \"30s\" expected", ac.Timeout)
		}
		acct.Timeout = d
	}
	if ac.MaxRetries != nil && (*ac.MaxRetries < 0 || *ac.MaxRetries > 10) {
		return nil, fmt.Errorf("max_retries %d: 0 to 10 expected", *ac.MaxRetries)
	}
	return acct, nil
}

// accountSettings checks the keys an account sets beyond the common ones
// against the integration's Settings, and fills in the defaults of the
// others, so that every setting of a loaded account is explicit.
func accountSettings(in *integration.Integration, raw map[string]any) (map[string]string, error) {
	out := map[string]string{}
	for _, s := range in.Settings {
		out[s.Name] = s.Default
	}
	for _, key := range sortedKeys(raw) {
		s := in.Setting(key)
		if s == nil {
			known := append([]string(nil), commonKeys...)
			for _, s := range in.Settings {
				known = append(known, s.Name)
			}
			msg := fmt.Sprintf("unknown key %q", key)
			if guess := integration.Suggest(key, known); guess != "" {
				msg += fmt.Sprintf("; did you mean %q?", guess)
			}
			return nil, errors.New(msg + " (keys: " + strings.Join(known, ", ") + ")")
		}
		v, ok := raw[key].(string)
		if !ok || !contains(s.Values, v) {
			return nil, fmt.Errorf("%s: one of %s expected, got %v", key, strings.Join(s.Values, ", "), raw[key])
		}
		out[key] = v
	}
	return out, nil
}

// readKey reads an account's key from the one place its config names.
func readKey(ac accountConfig, src Sources) (integration.Secret, string, error) {
	sources := 0
	for _, s := range []string{ac.APIKey, ac.APIKeyEnv, ac.APIKeyFile} {
		if s != "" {
			sources++
		}
	}
	switch {
	case sources > 1:
		return integration.Secret{}, "", errors.New("set only one of api_key, api_key_env, api_key_file")
	case ac.APIKey != "":
		return integration.NewSecret(ac.APIKey), "config", nil
	case ac.APIKeyEnv != "":
		v := src.getenv(ac.APIKeyEnv)
		if v == "" {
			return integration.Secret{}, "", credentialf("environment variable %s (api_key_env) is not set", ac.APIKeyEnv)
		}
		return integration.NewSecret(v), "env " + ac.APIKeyEnv, nil
	case ac.APIKeyFile != "":
		read := src.ReadFile
		if read == nil {
			read = os.ReadFile
		}
		path := expandHome(ac.APIKeyFile, src.HomeDir)
		data, err := read(path)
		if err != nil {
			return integration.Secret{}, "", credentialf("cannot read api_key_file %s: %v", ac.APIKeyFile, errors.Unwrap(err))
		}
		key := strings.TrimSpace(string(data))
		if key == "" {
			return integration.Secret{}, "", credentialf("api_key_file %s is empty", ac.APIKeyFile)
		}
		if st, err := src.stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
			src.warn(fmt.Sprintf("key file %s is readable by group or others (mode %04o); run: chmod 600 %s", ac.APIKeyFile, st.Mode().Perm(), ac.APIKeyFile))
		}
		return integration.NewSecret(key), "file " + ac.APIKeyFile, nil
	}
	return integration.Secret{}, "", credentialf("no API key: set api_key, api_key_env or api_key_file")
}

// expandHome turns a leading "~/" into the home folder.
func expandHome(path, home string) string {
	if rest, ok := strings.CutPrefix(path, "~/"); ok && home != "" {
		return filepath.Join(home, rest)
	}
	return path
}

// cleanViperError keeps viper's and the decoder's messages on one line.
func cleanViperError(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

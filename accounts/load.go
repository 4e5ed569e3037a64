package accounts

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/internal/fileread"
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
	// RequireKeys makes a key that cannot be read (an unset variable, an
	// unreadable key file, none given) a load error wrapping
	// ErrCredentials. By default such an account is kept with the reason
	// in its KeyError, so that the other accounts work, every account can
	// be listed, and a call through it fails with that reason.
	RequireKeys bool
	// Account is the --account flag: the default account of every
	// integration that has an account of that name.
	Account string
	// Warn receives warnings (a key file others can read); nil drops them.
	Warn func(string)
	// Stat reads file modes; nil uses os.Stat.
	Stat func(string) (os.FileInfo, error)
	// Context, when set, ends a read of the config file or a key file
	// that blocks (a FIFO with no writer); nil never does.
	Context context.Context
}

// Bounds of the files the loader reads.
const (
	// MaxConfigFile is the largest config file read.
	MaxConfigFile = 1 << 20
	// MaxKeyFile is the largest key file read.
	MaxKeyFile = 64 << 10
)

func (s Sources) ctx() context.Context {
	if s.Context == nil {
		return context.Background()
	}
	return s.Context
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

// ErrCredentials marks a problem with an account's key: none given, an
// environment variable that is not set, a key file that cannot be read. It is
// integration.ErrCredentials, which a call refused for want of a key wraps.
var ErrCredentials = integration.ErrCredentials

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

// ConfigError is a problem with the configuration: the file, the line when
// known, the key path (integrations.openai.accounts.work.timeout) and what is
// wrong.
type ConfigError struct {
	File string
	// Line is 1-based; 0 when unknown.
	Line int
	// Path is the key path, "" for the file as a whole.
	Path string
	Err  error
}

// Error implements error: "config FILE, line N: PATH: what is wrong".
func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString("config")
	if e.File != "" {
		b.WriteString(" " + e.File)
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, ", line %d", e.Line)
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the cause.
func (e *ConfigError) Unwrap() error { return e.Err }

// fileConfig is what the config file says.
type fileConfig struct {
	Integrations map[string]integrationConfig
	// Store is where the host keeps its state (a file path).
	Store string
	// RateLimitStore is where rate budgets are shared (redis://…).
	RateLimitStore string
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
	// KeyFiles are the key files the config file names (api_key_file),
	// read or not.
	KeyFiles []string
	// RateLimitStore is where rate budgets are shared between hosts:
	// $KOSMO_RATE_LIMIT_STORE, else the file's rate_limit_store key, else
	// "" for this process alone.
	RateLimitStore string
}

type integrationConfig struct {
	Default  string
	Accounts map[string]accountConfig
	// order lists the account names as the file does.
	order []string
}

type accountConfig struct {
	APIKey       string
	APIKeyEnv    string
	APIKeyFile   string
	BaseURL      string
	Organization string
	Project      string
	Timeout      string
	MaxRetries   *int
	ReadOnly     bool
	RateLimits   integration.RateLimits
	// Settings are the other keys: the integration's own settings
	// (integration.Setting), whose values accountSettings checks.
	Settings map[string]string
}

// commonKeys are the account keys every integration has.
var commonKeys = []string{"api_key", "api_key_env", "api_key_file", "base_url", "organization", "project", "timeout", "max_retries", "read_only", "rate_limits"}

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
			if src.WorkDir != "" && filepath.Dir(c) == src.WorkDir {
				if err := checkWorkDirConfig(c, st); err != nil {
					return "", err
				}
			}
			return c, nil
		}
	}
	return "", nil
}

// ConfigCandidates lists every file kosmo would read as its configuration
// with src, existing or not: --config, $KOSMO_CONFIG and every file of the
// search path. Sandboxed scripts may neither write nor read them.
func ConfigCandidates(src Sources) []string {
	var out []string
	for _, f := range []string{src.ConfigFile, src.getenv("KOSMO_CONFIG")} {
		if f != "" {
			out = append(out, f)
		}
	}
	xdg := src.getenv("XDG_CONFIG_HOME")
	if xdg == "" && src.HomeDir != "" {
		xdg = filepath.Join(src.HomeDir, ".config")
	}
	for _, ext := range configExtensions {
		if xdg != "" {
			out = append(out, filepath.Join(xdg, "kosmo", "config."+ext))
		}
		if src.HomeDir != "" {
			out = append(out, filepath.Join(src.HomeDir, ".config", "kosmo", "config."+ext))
		}
		if src.WorkDir != "" {
			out = append(out, filepath.Join(src.WorkDir, "kosmo."+ext))
		}
	}
	return out
}

// FromWorkDir reports whether file is a config file of the working
// directory (./kosmo.*) that the search found.
func FromWorkDir(src Sources, file string) bool {
	return file != "" && src.ConfigFile == "" && src.getenv("KOSMO_CONFIG") == "" &&
		src.WorkDir != "" && filepath.Dir(file) == src.WorkDir
}

// checkWorkDirConfig refuses a ./kosmo.* config that someone else could
// have planted or changed, as git refuses a repository another user owns
// (safe.directory): it must belong to the user running kosmo and be
// writable by no one else. Naming it with --config or KOSMO_CONFIG is the
// explicit choice that uses it anyway.
func checkWorkDirConfig(path string, st os.FileInfo) error {
	allow := fmt.Sprintf("to use it anyway, name it with --config %s (or KOSMO_CONFIG)", path)
	if uid, other := ownedByOther(st); other {
		return &ConfigError{File: path, Err: fmt.Errorf("refusing a config file in the working directory that belongs to another user (uid %d); %s", uid, allow)}
	}
	if st.Mode().Perm()&0o022 != 0 {
		return &ConfigError{File: path, Err: fmt.Errorf("refusing a config file in the working directory that is writable by group or others (mode %04o): run chmod go-w %s, or %s", st.Mode().Perm(), path, allow)}
	}
	return nil
}

// keyFiles lists the key files (api_key_file) the config file names,
// resolved as they are read.
func keyFiles(fc fileConfig, src Sources) []string {
	var out []string
	for _, ic := range fc.Integrations {
		for _, ac := range ic.Accounts {
			if ac.APIKeyFile != "" {
				out = append(out, keyFilePath(ac.APIKeyFile, src))
			}
		}
	}
	sort.Strings(out)
	return out
}

// keyFilePath resolves an api_key_file: "~/" is the home folder, and a
// relative path is relative to the working directory.
func keyFilePath(name string, src Sources) string {
	p := expandHome(name, src.HomeDir)
	if !filepath.IsAbs(p) && src.WorkDir != "" {
		p = filepath.Join(src.WorkDir, p)
	}
	return p
}

// Load reads the accounts of the given integrations. Precedence, lowest
// first: defaults, the config file found by FindConfig, the environment,
// flags (Sources.Account). The integration's variables (OPENAI_API_KEY,
// OPENAI_BASE_URL, OPENAI_ORG_ID, OPENAI_PROJECT_ID) override the default
// account's settings, or make a "default" account when the file has none;
// KOSMO_<INTEGRATION>_ACCOUNT and then --account choose the default.
//
// An account whose key cannot be read is kept, with the reason in its
// KeyError (see Sources.RequireKeys). An integration with no account gets a
// stand-in default account with no key (Set.Unconfigured).
func Load(src Sources, integrations []*integration.Integration) (Config, string, error) {
	l, err := LoadAll(src, integrations)
	return l.Accounts, l.File, err
}

// LoadAll is Load, with the host settings of the config file too.
func LoadAll(src Sources, integrations []*integration.Integration) (Loaded, error) {
	cfg, file, fc, err := load(src, integrations)
	l := Loaded{Accounts: cfg, File: file, Store: expandHome(fc.Store, src.HomeDir), KeyFiles: keyFiles(fc, src)}
	if v := src.getenv("KOSMO_STORE"); v != "" {
		l.Store = v
	}
	l.RateLimitStore = fc.RateLimitStore
	if v := src.getenv("KOSMO_RATE_LIMIT_STORE"); v != "" {
		l.RateLimitStore = v
	}
	return l, err
}

func load(src Sources, integrations []*integration.Integration) (Config, string, fileConfig, error) {
	file, err := FindConfig(src)
	if err != nil {
		return nil, "", fileConfig{}, err
	}
	f := &configFile{name: file}
	var fc fileConfig
	if file != "" {
		if fc, f.lines, err = readConfigFile(src.ctx(), file, integrations); err != nil {
			return nil, file, fileConfig{}, err
		}
	}
	cfg := Config{}
	for _, in := range integrations {
		set, err := buildSet(in, fc.Integrations[in.Name], src, f)
		if err != nil {
			return nil, file, fc, err
		}
		cfg[in.Name] = set
	}
	return cfg, file, fc, nil
}

// configFile places errors in the config file: its name and the line of
// each key path.
type configFile struct {
	name  string
	lines map[string]int
}

// errorAt is err about the key at path.
func (f *configFile) errorAt(path string, err error) *ConfigError {
	return &ConfigError{File: f.name, Line: f.lines[path], Path: path, Err: err}
}

func (f *configFile) errorf(path, format string, a ...any) *ConfigError {
	return f.errorAt(path, fmt.Errorf(format, a...))
}

func buildSet(in *integration.Integration, ic integrationConfig, src Sources, f *configFile) (*Set, error) {
	set, err := fileSet(in, ic, src, f)
	if err != nil {
		return nil, err
	}
	if len(set.Accounts) == 0 && src.getenv(in.Env.APIKey) != "" && !src.IgnoreKeys {
		set.Default = DefaultName
		set.Accounts = []*integration.Account{{Name: DefaultName}}
	}
	if len(set.Accounts) == 0 && !src.IgnoreKeys {
		set.Unconfigured = &integration.Account{Name: DefaultName,
			KeyError: fmt.Sprintf("no %s account is configured: set %s, or add accounts to the config file", in.Title, in.Env.APIKey)}
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
		acct.Key, acct.KeySource, acct.KeyError = integration.NewSecret(key), "env "+in.Env.APIKey, ""
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
func fileSet(in *integration.Integration, ic integrationConfig, src Sources, f *configFile) (*Set, error) {
	set := &Set{}
	path := "integrations." + in.Name
	if len(ic.Accounts) == 0 {
		if ic.Default != "" {
			return nil, f.errorf(path+".default", "the default account '%s' is not among the accounts (none are configured)", ic.Default)
		}
		return set, nil
	}
	for _, name := range ic.order {
		acct, err := buildAccount(in, name, ic.Accounts[name], src, f)
		if err != nil {
			return nil, err
		}
		set.Accounts = append(set.Accounts, acct)
	}
	sort.Slice(set.Accounts, func(i, j int) bool { return set.Accounts[i].Name < set.Accounts[j].Name })
	names := set.Names()
	switch {
	case ic.Default != "":
		if !contains(names, ic.Default) {
			return nil, f.errorf(path+".default", "the default account '%s' is not among the accounts (%s)%s",
				ic.Default, strings.Join(names, ", "), suggestion(ic.Default, names))
		}
		set.Default = ic.Default
	case len(names) == 1:
		set.Default = names[0]
	case contains(names, DefaultName):
		set.Default = DefaultName
	default:
		return nil, f.errorf(path+".accounts", "%d accounts and no default: set %s.default to one of %s", len(names), path, strings.Join(names, ", "))
	}
	if contains(names, DefaultName) && set.Default != DefaultName {
		return nil, f.errorf(path+".accounts."+DefaultName, "an account named '%s' must be the default account (default is '%s')", DefaultName, set.Default)
	}
	return set, nil
}

func buildAccount(in *integration.Integration, name string, ac accountConfig, src Sources, f *configFile) (*integration.Account, error) {
	path := "integrations." + in.Name + ".accounts." + name
	if !accountName.MatchString(name) {
		msg := "account names are lowercase identifiers (a-z, 0-9, _; starting with a letter)"
		if lower := strings.ToLower(name); accountName.MatchString(lower) {
			msg += fmt.Sprintf("; did you mean '%s'?", lower)
		}
		return nil, f.errorAt(path, errors.New(msg))
	}
	if in.Function(name) != nil {
		return nil, f.errorf(path, "the name collides with the function %s", name)
	}
	if name == ListFunction {
		return nil, f.errorf(path, "the name is reserved for app.integrations.%s.%s()", in.Name, ListFunction)
	}
	settings, err := accountSettings(in, ac.Settings, path, f)
	if err != nil {
		return nil, err
	}
	acct := &integration.Account{Name: name, BaseURL: ac.BaseURL, Organization: ac.Organization, Project: ac.Project,
		MaxRetries: ac.MaxRetries, ReadOnly: ac.ReadOnly, RateLimits: ac.RateLimits, Settings: settings}
	if !src.IgnoreKeys {
		key, source, keyPath, err := readKey(ac, src)
		switch {
		case err == nil:
			acct.Key, acct.KeySource = key, source
		case errors.Is(err, ErrCredentials) && !src.RequireKeys:
			acct.KeySource, acct.KeyError = source, err.Error()
		default:
			return nil, f.errorAt(joinKey(path, keyPath), err)
		}
	}
	if ac.Timeout != "" {
		d, err := time.ParseDuration(ac.Timeout)
		if err != nil || d <= 0 {
			return nil, f.errorf(path+".timeout", "a positive duration such as \"30s\" expected, got %q", ac.Timeout)
		}
		acct.Timeout = d
	}
	if ac.MaxRetries != nil && (*ac.MaxRetries < 0 || *ac.MaxRetries > 10) {
		return nil, f.errorf(path+".max_retries", "an integer from 0 to 10 expected, got %d", *ac.MaxRetries)
	}
	return acct, nil
}

// accountSettings checks the values of the integration's own settings an
// account sets (the decoder has checked their names), and fills in the
// defaults of the others, so that every setting of a loaded account is
// explicit.
func accountSettings(in *integration.Integration, raw map[string]string, path string, f *configFile) (map[string]string, error) {
	out := map[string]string{}
	for _, s := range in.Settings {
		out[s.Name] = s.Default
	}
	for _, key := range sortedKeys(raw) {
		s := in.Setting(key)
		if s == nil {
			return nil, f.errorf(joinKey(path, key), "unknown key")
		}
		v := raw[key]
		if !contains(s.Values, v) {
			return nil, f.errorf(joinKey(path, key), "one of %s expected, got '%s'%s", strings.Join(s.Values, ", "), v, suggestion(v, s.Values))
		}
		out[key] = v
	}
	return out, nil
}

// readKey reads an account's key from the one place its config names. It
// returns where the key comes from (also when it cannot be read) and the key
// of the config that names it, for errors.
func readKey(ac accountConfig, src Sources) (key integration.Secret, source, keyPath string, err error) {
	var given []string
	for _, k := range []struct{ name, value string }{{"api_key", ac.APIKey}, {"api_key_env", ac.APIKeyEnv}, {"api_key_file", ac.APIKeyFile}} {
		if k.value != "" {
			given = append(given, k.name)
		}
	}
	switch {
	case len(given) > 1:
		both := "both"
		if len(given) > 2 {
			both = "all"
		}
		return key, "", "", fmt.Errorf("%s are %s set: set only one of api_key, api_key_env, api_key_file", strings.Join(given, " and "), both)
	case ac.APIKey != "":
		return integration.NewSecret(ac.APIKey), "config", "api_key", nil
	case ac.APIKeyEnv != "":
		source = "env " + ac.APIKeyEnv
		v := src.getenv(ac.APIKeyEnv)
		if v == "" {
			return key, source, "api_key_env", credentialf("environment variable %s (api_key_env) is not set", ac.APIKeyEnv)
		}
		return integration.NewSecret(v), source, "api_key_env", nil
	case ac.APIKeyFile != "":
		source = "file " + ac.APIKeyFile
		read := src.ReadFile
		if read == nil {
			read = func(p string) ([]byte, error) { return fileread.File(src.ctx(), p, MaxKeyFile) }
		}
		path := keyFilePath(ac.APIKeyFile, src)
		data, err := read(path)
		if err != nil {
			cause := errors.Unwrap(err)
			if cause == nil {
				cause = err
			}
			return key, source, "api_key_file", credentialf("cannot read api_key_file %s: %v", ac.APIKeyFile, cause)
		}
		text := strings.TrimSpace(string(data))
		if text == "" {
			return key, source, "api_key_file", credentialf("api_key_file %s is empty", ac.APIKeyFile)
		}
		if st, err := src.stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
			src.warn(fmt.Sprintf("key file %s is readable by group or others (mode %04o); run: chmod 600 %s", ac.APIKeyFile, st.Mode().Perm(), ac.APIKeyFile))
		}
		return integration.NewSecret(text), source, "api_key_file", nil
	}
	return key, "", "", credentialf("no API key: set api_key, api_key_env or api_key_file")
}

// expandHome turns a leading "~/" into the home folder.
func expandHome(path, home string) string {
	if rest, ok := strings.CutPrefix(path, "~/"); ok && home != "" {
		return filepath.Join(home, rest)
	}
	return path
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

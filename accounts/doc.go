// Package accounts loads the named accounts of each integration from a
// config file (YAML, TOML or JSON) and the environment, and picks each
// integration's default account.
//
// The file is read key by key as written (yaml.v3, go-toml/v2,
// encoding/json), never through a layer that folds keys to lowercase: names
// that are not lowercase, or that differ only in case, are refused, so that
// no account and no setting is lost by folding. Errors name the file, the
// line, the key path and, for a misspelt key, the likely one.
package accounts

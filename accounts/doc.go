// Package accounts loads the named accounts of each integration from a
// config file (YAML, TOML or JSON, through viper) and the environment, and
// picks each integration's default account.
package accounts

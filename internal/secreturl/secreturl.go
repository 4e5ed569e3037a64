// Package secreturl shows URLs that may hold a password (a store's, a
// Redis's) without it, and names the passwords they hold so that what
// scripts read can be scrubbed of them.
package secreturl

import (
	"net/url"
	"strings"
)

// Redact returns rawURL with its password, and any password query
// parameter, replaced by "xxxxx": the form to show in errors and listings.
// A value that does not parse as a URL with a scheme shows only its
// scheme ("redis://(unparsable URL)"), or "(not a URL)" without one.
func Redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme == "" {
		return Scheme(rawURL) + "(unparsable URL)"
	}
	q := u.Query()
	changed := false
	for k := range q {
		if isPasswordKey(k) {
			q.Set(k, "xxxxx")
			changed = true
		}
	}
	if changed {
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// Scheme returns the scheme of rawURL with its "://" ("redis://"), or ""
// when it does not start with one.
func Scheme(rawURL string) string {
	scheme, _, ok := strings.Cut(rawURL, "://")
	if !ok || scheme == "" {
		return ""
	}
	for i, r := range scheme {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !letter && (i == 0 || !(r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.')) {
			return ""
		}
	}
	return scheme + "://"
}

// Passwords returns the passwords rawURL holds: its user's, and the
// values of its password query parameters.
func Passwords(rawURL string) []string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil
	}
	var out []string
	if u.User != nil {
		if pw, ok := u.User.Password(); ok && pw != "" {
			out = append(out, pw)
		}
	}
	for k, vs := range u.Query() {
		if isPasswordKey(k) {
			for _, v := range vs {
				if v != "" {
					out = append(out, v)
				}
			}
		}
	}
	return out
}

func isPasswordKey(k string) bool { return strings.EqualFold(k, "password") }

package secreturl

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://kosmo:pw@db:5432/kosmo", "postgres://kosmo:xxxxx@db:5432/kosmo"},
		{"redis://h:6399/0?password=qSECRET", "redis://h:6399/0?password=xxxxx"},
		{"redis://:rSECRET@h:6379/0?Password=qSECRET&db=1", "redis://:xxxxx@h:6379/0?Password=xxxxx&db=1"},
		{"rediss://u@h/0", "rediss://u@h/0"},
		{"redis://:tSECRET@[::1/0", "redis://(unparsable URL)"},
		{"redis//:tSECRET@host", "(unparsable URL)"},
		{"host=h password=kvSECRET dbname=x", "(unparsable URL)"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, Redact(tt.in))
		})
	}
}

func TestPasswords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"postgres://kosmo:pw@db/kosmo", []string{"pw"}},
		{"redis://h/0?password=q", []string{"q"}},
		{"redis://:r@h/0?PASSWORD=q", []string{"r", "q"}},
		{"postgres://u@h/d", nil},
		{"/var/lib/kosmo.db", nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, Passwords(tt.in))
		})
	}
}

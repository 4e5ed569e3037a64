package main

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestNegativeLimitsRefused: a negative duration or size, which the flags
// would otherwise read as "none", is a usage error naming the flag; 0
// keeps its meaning (no limit).
func TestNegativeLimitsRefused(t *testing.T) {
	tests := []struct {
		name string
		args []string
		flag string
	}{
		{"run --timeout", []string{"run", "--fake", "--timeout", "-1s", "-e", "return 1"}, "--timeout"},
		{"run --max-memory", []string{"run", "--fake", "--max-memory", "-1MiB", "-e", "return 1"}, "--max-memory"},
		{"run --write-quota", []string{"run", "--fake", "--write-quota=-5", "-e", "return 1"}, "--write-quota"},
		{"call --timeout", []string{"call", "--fake", "--timeout=-2m", "openai_list_models"}, "--timeout"},
		{"accounts check --timeout", []string{"accounts", "check", "--timeout=-1ns"}, "--timeout"},
		{"mcp serve --timeout", []string{"mcp", "serve", "--fake", "--timeout=-1s"}, "--timeout"},
		{"mcp serve --max-memory", []string{"mcp", "serve", "--fake", "--max-memory=-1GiB"}, "--max-memory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, context.Background(), nil, tt.args...)
			assert.Equal(t, ExitUsage, r.code, r.stderr)
			assert.Contains(t, r.stderr, tt.flag)
		})
	}

	r := runCLI(t, context.Background(), nil, "run", "--fake", "--timeout", "0", "--max-memory", "0", "--write-quota", "0", "-e", "return 1")
	assert.Equal(t, ExitOK, r.code, r.stderr)
	assert.Equal(t, "1\n", r.stdout)
}

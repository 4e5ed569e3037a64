package main

import (
	"context"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestVersionFrom(t *testing.T) {
	vcs := func(revision, modified string) []debug.BuildSetting {
		s := []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: revision}}
		if modified != "" {
			s = append(s, debug.BuildSetting{Key: "vcs.modified", Value: modified})
		}
		return s
	}
	info := func(version string, settings []debug.BuildSetting) *debug.BuildInfo {
		return &debug.BuildInfo{Main: debug.Module{Path: "github.com/kosmo-run/kosmo", Version: version}, Settings: settings}
	}
	tests := []struct {
		name    string
		stamped string
		info    *debug.BuildInfo
		want    string
	}{
		{"-ldflags wins", "v1.2.0", info("v1.3.0", vcs("2fb993b36d79aa", "true")), "v1.2.0"},
		{"go install …@v1.3.0", "dev", info("v1.3.0", nil), "v1.3.0"},
		{"go install …@latest of an untagged commit", "dev", info("v0.0.0-20260812101500-2fb993b36d79", nil), "v0.0.0-20260812101500-2fb993b36d79"},
		{"go build in a clone (Go stamps a pseudo-version)", "dev", info("v0.0.0-20261129130548-2fb993b36d79+dirty", vcs("2fb993b36d79aa", "true")), "v0.0.0-20261129130548-2fb993b36d79+dirty"},
		{"a revision only", "dev", info("(devel)", vcs("2fb993b36d79aa11", "false")), "2fb993b36d79"},
		{"a revision with changes", "dev", info("(devel)", vcs("2fb993b36d79aa11", "true")), "2fb993b36d79-dirty"},
		{"a short revision", "", info("", vcs("2fb993b", "")), "2fb993b"},
		{"nothing known", "dev", info("(devel)", nil), "dev"},
		{"no build information", "dev", nil, "dev"},
		{"empty stamp, no build information", "", nil, "dev"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, versionFrom(tt.stamped, tt.info))
		})
	}
}

func TestVersionCommandPrintsTheVersion(t *testing.T) {
	old := version
	t.Cleanup(func() { version = old })
	version = "v9.8.7"
	r := runCLI(t, context.Background(), nil, "version")
	assert.Equal(t, 0, r.code)
	assert.Equal(t, "kosmo v9.8.7\n", r.stdout)
	r = runCLI(t, context.Background(), nil, "--version")
	assert.Equal(t, "kosmo version v9.8.7\n", r.stdout)
}

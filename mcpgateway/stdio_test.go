package mcpgateway_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/mcpgateway"
)

// TestStdioTransportLongLine: a line over MaxMessage is answered with an
// invalid-request error naming the limit, and the next line is served.
func TestStdioTransportLongLine(t *testing.T) {
	a, b := twoFakes(t)
	srv := mcpgateway.NewServer(mcpgateway.Options{Host: twoAccountHost(a, b, nil), Version: "test"})
	in := strings.Join([]string{
		`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`,
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
		`{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"pad":"` + strings.Repeat("x", 5000) + `"}}`,
		`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`,
	}, "\n") + "\n"
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := srv.Run(ctx, mcpgateway.FinishingTransport{Transport: &mcpgateway.StdioTransport{Reader: strings.NewReader(in), Writer: &out, MaxMessage: 4096}})
	if err != nil {
		assert.Contains(t, err.Error(), "EOF")
	}
	// The transport answers the long line itself while the server answers
	// the others: their order on the output is not fixed.
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 3, out.String())
	assert.Contains(t, lines, `{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"message larger than 4096 bytes (the server's limit)"}}`)
	served := 0
	for _, l := range lines {
		if strings.Contains(l, `"id":0,"result":{`) || strings.Contains(l, `"id":2,"result":{`) {
			served++
		}
	}
	assert.Equal(t, 2, served, "the initialize and the tools/list after the long line are answered: %s", out.String())
}

package mcpgateway

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// HTTPPath is where the Streamable HTTP transport is served.
const HTTPPath = "/mcp"

// ErrTokenRequired is a non-loopback address given without an access token.
var ErrTokenRequired = errors.New("an access token is required to serve MCP on an address that is not loopback")

// HTTPHandler serves the gateway over MCP's Streamable HTTP transport at
// HTTPPath: many sessions at once, each tool call in its own VM. With a
// token, every request must carry "Authorization: Bearer TOKEN"; others get
// 401 and nothing of the token. The token is never logged.
func HTTPHandler(opts Options, token string) http.Handler {
	srv := NewServer(opts)
	mcpHandler := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, &mcp.StreamableHTTPOptions{
		SessionTimeout: 30 * time.Minute,
	})
	mux := http.NewServeMux()
	mux.Handle(HTTPPath, requireToken(token, mcpHandler))
	mux.Handle(HTTPPath+"/", requireToken(token, mcpHandler))
	return mux
}

// requireToken lets through requests that carry token as a bearer token;
// an empty token lets every request through.
func requireToken(token string, next http.Handler) http.Handler {
	if token == "" {
		return next
	}
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := bearer(r.Header.Get("Authorization"))
		sum := sha256.Sum256([]byte(got))
		if !ok || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="kosmo"`)
			http.Error(w, "401 unauthorized: send the server's access token as Authorization: Bearer TOKEN (KOSMO_MCP_TOKEN or --token-file of kosmo mcp serve)", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func bearer(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

// IsLoopback reports whether addr (host:port, as net.Listen takes it) only
// listens on a loopback interface: localhost, 127.0.0.0/8 or ::1. An empty
// host (":8080") listens on every interface.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CheckToken refuses to serve addr without a token unless it is loopback.
func CheckToken(addr, token string) error {
	if token == "" && !IsLoopback(addr) {
		return fmt.Errorf("%w (%s): set KOSMO_MCP_TOKEN or give --token-file FILE; clients send it as Authorization: Bearer TOKEN", ErrTokenRequired, addr)
	}
	return nil
}

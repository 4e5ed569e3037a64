package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// silentWAV is a RIFF/WAVE file of PCM 16-bit mono silence at 16 kHz with
// size bytes of samples.
func silentWAV(size int) []byte {
	var b bytes.Buffer
	le := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	le(uint32(36 + size))
	b.WriteString("WAVEfmt ")
	le(uint32(16))
	le(uint16(1))     // PCM
	le(uint16(1))     // mono
	le(uint32(16000)) // rate
	le(uint32(32000)) // bytes per second
	le(uint16(2))     // block align
	le(uint16(16))    // bits per sample
	b.WriteString("data")
	le(uint32(size))
	b.Write(make([]byte, size))
	return b.Bytes()
}

// TestMCPServeSurvivesMalformedMessages: a raw stdio client sends a
// truncated line, garbage, a batch, an object id, "jsonrpc":"1.0", a bare
// number, a response to nothing and an empty message, then a
// transcription of 24 MB of audio (a 32 MB line, over the SDK's 16 MiB) and
// a valid request: each bad line gets a JSON-RPC error, and everything
// after it is still answered.
func TestMCPServeSurvivesMalformedMessages(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	audio := base64.StdEncoding.EncodeToString(silentWAV(24 << 20))
	in := strings.Join([]string{
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`,
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
		`{"jsonrpc":"2.0","id":2,"method":"tools/li`,
		`garbage`,
		`[{"jsonrpc":"2.0","id":3,"method":"tools/list"}]`,
		`{"jsonrpc":"2.0","id":{"a":1},"method":"tools/list"}`,
		`{"jsonrpc":"1.0","id":5,"method":"tools/list"}`,
		`42`,
		`{"jsonrpc":"2.0","id":77,"result":{}}`,
		`{"jsonrpc":"2.0"}`,
		fmt.Sprintf(`{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"openai_transcribe_audio","arguments":{"model":"whisper-1","filename":"a.wav","file_content":%q}}}`, audio),
		`{"jsonrpc":"2.0","id":7,"method":"tools/list"}`,
	}, "\n") + "\n"
	var out, errOut bytes.Buffer
	code := Main(ctx, []string{"mcp", "serve", "--fake", "--allow-write"}, Env{Stdin: strings.NewReader(in), Stdout: &out, Stderr: &errOut,
		Getenv: func(string) string { return "" }, HomeDir: t.TempDir(), WorkDir: t.TempDir()})
	require.Equal(t, ExitOK, code, errOut.String())

	type answer struct {
		ID     any            `json:"id"`
		Result map[string]any `json:"result"`
		Error  *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	var answers []answer
	sc := bufio.NewScanner(&out)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		var a answer
		require.NoError(t, json.Unmarshal(sc.Bytes(), &a), sc.Text())
		answers = append(answers, a)
	}
	require.NoError(t, sc.Err())
	var errs []string
	results := map[float64]map[string]any{}
	for _, a := range answers {
		if a.Error != nil {
			errs = append(errs, fmt.Sprintf("%v %d %s", a.ID, a.Error.Code, a.Error.Message))
			continue
		}
		results[a.ID.(float64)] = a.Result
	}
	assert.Equal(t, []string{
		"<nil> -32700 parse error: the line is not valid JSON",
		"<nil> -32700 parse error: the line is not valid JSON",
		"<nil> -32600 batches are not supported: send one message per line",
		"<nil> -32600 invalid request: an id must be a string, a number or null",
		`5 -32600 invalid request: "jsonrpc" must be "2.0"`,
		"<nil> -32600 a JSON-RPC message must be an object",
		"<nil> -32600 invalid request: invalid request",
	}, errs, "a response to nothing is ignored, as JSON-RPC asks")
	require.Contains(t, results, 6.0)
	assert.NotEqual(t, true, results[6]["isError"], "%v", results[6])
	require.Contains(t, results, 7.0)
	assert.NotEmpty(t, results[7]["tools"])
}

// mcpAnswers runs kosmo mcp serve with args over stdio on the given lines
// (after an initialize) and returns the answers by id, with the time it
// took.
func mcpAnswers(t *testing.T, args []string, lines ...string) (map[float64]map[string]any, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	in := strings.Join(append([]string{
		`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`,
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
	}, lines...), "\n") + "\n"
	var out, errOut bytes.Buffer
	start := time.Now()
	code := Main(ctx, append([]string{"mcp", "serve", "--fake"}, args...), Env{Stdin: strings.NewReader(in), Stdout: &out, Stderr: &errOut,
		Getenv: func(string) string { return "" }, HomeDir: t.TempDir(), WorkDir: t.TempDir()})
	took := time.Since(start)
	require.Equal(t, ExitOK, code, errOut.String())
	answers := map[float64]map[string]any{}
	sc := bufio.NewScanner(&out)
	sc.Buffer(make([]byte, 1<<20), 1<<28)
	for sc.Scan() {
		var m map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &m))
		if id, ok := m["id"].(float64); ok {
			answers[id] = m
		}
	}
	return answers, took
}

// TestMCPServeBoundsConcurrentCalls: tool calls beyond --max-concurrent
// wait for a slot, and each API answer is capped to its share of
// --max-memory, so that four large answers at once get tool errors
// instead of holding gigabytes.
func TestMCPServeBoundsConcurrentCalls(t *testing.T) {
	t.Run("one at a time", func(t *testing.T) {
		call := func(id int) string {
			return fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"execute_lua","arguments":{"code":"sleep(0.4) return 1"}}}`, id)
		}
		answers, took := mcpAnswers(t, []string{"--max-concurrent", "1"}, call(1), call(2), call(3))
		for id := 1.0; id <= 3; id++ {
			require.Contains(t, answers, id)
			assert.NotEqual(t, true, answers[id]["result"].(map[string]any)["isError"])
		}
		assert.GreaterOrEqual(t, took, 1200*time.Millisecond, "three calls of 0.4 s, one after the other")
	})
	t.Run("answers capped", func(t *testing.T) {
		inputs := make([]string, 2048)
		for i := range inputs {
			inputs[i] = fmt.Sprintf("text %d", i)
		}
		in, err := json.Marshal(inputs)
		require.NoError(t, err)
		var lines []string
		for id := 1; id <= 4; id++ {
			lines = append(lines, fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"openai_create_embedding","arguments":{"model":"text-embedding-3-small","input":%s}}}`, id, in))
		}
		answers, _ := mcpAnswers(t, []string{"--allow-write", "--max-memory", "256MiB", "--max-concurrent", "4"}, lines...)
		for id := 1.0; id <= 4; id++ {
			require.Contains(t, answers, id)
			res := answers[id]["result"].(map[string]any)
			assert.Equal(t, true, res["isError"])
			sc, _ := res["structuredContent"].(map[string]any)
			assert.Equal(t, "invalid_response", sc["type"], "%v", sc)
			assert.Contains(t, sc["message"], "response body larger than 16777216 bytes")
		}
	})
}

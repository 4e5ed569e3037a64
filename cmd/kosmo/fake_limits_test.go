package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startFakeProcess runs `kosmo fake --quiet --addr 127.0.0.1:0` in a process of its
// own and returns its base URL (…/v1) and the process. The process is a
// kosmo built as users build it: the race detector, which `make test`
// turns on, multiplies a process's memory, so a test binary would measure
// the detector's shadow memory rather than what the fake keeps.
func startFakeProcess(t *testing.T) (string, *os.Process) {
	cmd := exec.Command(plainKosmo(t), "fake", "--quiet", "--addr", "127.0.0.1:0")
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	sc := bufio.NewScanner(stdout)
	require.True(t, sc.Scan(), "the fake says where it listens")
	url, ok := strings.CutPrefix(sc.Text(), "fake OpenAI API at ")
	require.True(t, ok, sc.Text())
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	return url, cmd.Process
}

// plainKosmo builds kosmo without the race detector into a folder of the
// test's (the build cache makes the second build a link).
func plainKosmo(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("needs the go command to build kosmo without the race detector")
	}
	bin := filepath.Join(t.TempDir(), "kosmo")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// peakRSS is a process's peak resident set size (VmHWM), in bytes.
func peakRSS(t *testing.T, p *os.Process) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.Pid))
	require.NoError(t, err)
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			require.NoError(t, err)
			return kb << 10
		}
	}
	t.Fatal("no VmHWM")
	return 0
}

// TestFakeBoundsWhatItRecords: twenty 30 MiB requests leave kosmo fake
// well below the 600 MiB they add up to (it keeps the first 64 KiB of the
// last 100 bodies).
func TestFakeBoundsWhatItRecords(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("needs /proc")
	}
	url, p := startFakeProcess(t)
	body := bytes.Repeat([]byte("x"), 30<<20)
	for range 20 {
		req, err := http.NewRequest(http.MethodPost, url+"/chat/completions", bytes.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer sk-kosmo-fake-0000000000000000")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "not JSON")
	}
	assert.Less(t, peakRSS(t, p), int64(400<<20), "twenty 30 MiB bodies are not all kept (1.1 GiB when they were)")
}

// TestFakeDropsStalledUploads: a client that sends part of a body and then
// nothing gets a 408 and its connection closed, after the fake's 10 s.
func TestFakeDropsStalledUploads(t *testing.T) {
	url, _ := startFakeProcess(t)
	addr := strings.TrimSuffix(strings.TrimPrefix(url, "http://"), "/v1")
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	_, err = fmt.Fprintf(conn, "POST /v1/chat/completions HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer sk-kosmo-fake-0000000000000000\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"model\":", addr)
	require.NoError(t, err)
	start := time.Now()
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(100*time.Second)))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err, "the fake answers a stalled upload")
	defer resp.Body.Close()
	assert.Equal(t, http.StatusRequestTimeout, resp.StatusCode)
	assert.Less(t, time.Since(start), 100*time.Second)
}

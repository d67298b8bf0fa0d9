package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/sandbox"
)

// lockedBuf is a bytes.Buffer safe for the server goroutine and the test.
type lockedBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startServe runs `hhjobs serve` in-process and returns its base URL.
func startServe(t *testing.T, args ...string) (base string, stderr *lockedBuf) {
	t.Helper()
	t.Setenv(ServeTokenEnv, "") // no token: a loopback server then needs none
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	stderr = &lockedBuf{}
	ios := &IOStreams{In: strings.NewReader(""), Out: pw, Err: stderr}
	done := make(chan int, 1)
	go func() { done <- Main(ctx, append([]string{"serve"}, args...), ios); pw.Close() }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("serve did not stop")
		}
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	go io.Copy(io.Discard, pr) //nolint:errcheck // drain
	if err != nil {
		t.Fatalf("no first line: %v; stderr %s", err, stderr.String())
	}
	m := regexp.MustCompile(`^listening (http://127\.0\.0\.1:\d+)\n$`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("first line %q", line)
	}
	return m[1], stderr
}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var generatedAt = regexp.MustCompile(`(?m)^  "generated_at": "[^"]*",\n`)

// TestServeStatsIsTheCLIs: /api/stats answers exactly what `stats --json`
// prints for the same filters (but generated_at), on the served snapshot.
func TestServeStatsIsTheCLIs(t *testing.T) {
	run := filledEnv(t, 700)
	base, _ := startServe(t, "--addr", "127.0.0.1:0")
	for _, c := range []struct {
		flags []string
		query string
	}{
		{[]string{"--by", "role"}, "by=role"},
		{[]string{"--by", "role,experience", "--area", "Москва", "--open"}, "by=role,experience&area=" + "%D0%9C%D0%BE%D1%81%D0%BA%D0%B2%D0%B0" + "&open=true"},
		{[]string{"--by", "region", "--work-format", "REMOTE", "--since", "2026-03-01", "--net"}, "by=region&work-format=REMOTE&since=2026-03-01&basis=net"},
		{[]string{"--by", "role", "--basis", "net", "--unique-postings", "--min-n-median", "5", "--open"}, "by=role&basis=net&unique-postings=true&min-n-median=5&open=true"},
		{[]string{"--by", "experience", "--skill", "MS Excel,Подбор персонала"}, "by=experience&skill=" + url.QueryEscape("MS Excel,Подбор персонала")},
		{[]string{"--by", "employer", "--experience", "between3And6", "--until", "2026-04-01", "--query", "hr"}, "by=employer&experience=between3And6&until=2026-04-01&query=hr"},
	} {
		code, cli, errOut := run(false, append([]string{"stats", "--json"}, c.flags...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d %s", c.flags, code, errOut)
		}
		status, api := get(t, base+"/api/stats?"+c.query)
		if status != 200 {
			t.Fatalf("%s: %d %s", c.query, status, api)
		}
		a, b := generatedAt.ReplaceAllString(cli, ""), generatedAt.ReplaceAllString(api, "")
		if a != b || a == cli {
			t.Errorf("%s: /api/stats differs from stats --json %v\ncli: %.600s\napi: %.600s", c.query, c.flags, a, b)
		}
	}
	for _, q := range []string{"by=nonsense", "role=космонавт", "since=yesterday", "open=perhaps", "colour=red", "by=", "basis=both", "min-n-median=0", "unique-postings=maybe"} {
		status, body := get(t, base+"/api/stats?"+q)
		if status != 400 || strings.Count(strings.TrimSpace(body), "\n") != 0 {
			t.Errorf("%s: %d %q", q, status, body)
		}
	}
}

// TestServeLifetimeIsTheCLIs: /api/lifetime answers exactly what `stats
// --lifetime --json` prints for the same filters (but generated_at).
func TestServeLifetimeIsTheCLIs(t *testing.T) {
	run := filledEnv(t, 700)
	base, _ := startServe(t, "--addr", "127.0.0.1:0")
	for _, c := range []struct {
		flags []string
		query string
	}{
		{nil, ""},
		{[]string{"--by", "experience"}, "by=experience"},
		{[]string{"--by", "role,experience", "--area", "Москва", "--open"}, "by=role,experience&area=" + url.QueryEscape("Москва") + "&open=true"},
		{[]string{"--by", "region", "--work-format", "REMOTE", "--since", "2026-03-01"}, "by=region&work-format=REMOTE&since=2026-03-01"},
		{[]string{"--by", "employer", "--experience", "between3And6", "--until", "2026-04-01", "--query", "hr"}, "by=employer&experience=between3And6&until=2026-04-01&query=hr"},
	} {
		code, cli, errOut := run(false, append([]string{"stats", "--lifetime", "--json"}, c.flags...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d %s", c.flags, code, errOut)
		}
		status, api := get(t, base+"/api/lifetime?"+c.query)
		if status != 200 {
			t.Fatalf("%s: %d %s", c.query, status, api)
		}
		a, b := generatedAt.ReplaceAllString(cli, ""), generatedAt.ReplaceAllString(api, "")
		if a != b || a == cli || !strings.Contains(a, `"total"`) {
			t.Errorf("%s: /api/lifetime differs from stats --lifetime --json %v\ncli: %.600s\napi: %.600s", c.query, c.flags, a, b)
		}
	}
	for _, q := range []string{"by=nonsense", "role=космонавт", "since=yesterday", "open=perhaps", "basis=net", "by="} {
		status, body := get(t, base+"/api/lifetime?"+q)
		if status != 400 || strings.Count(strings.TrimSpace(body), "\n") != 0 {
			t.Errorf("%s: %d %q", q, status, body)
		}
	}
}

func TestServeAddrAndToken(t *testing.T) {
	run := filledEnv(t, 50)
	t.Setenv(ServeTokenEnv, "")
	os.Unsetenv(ServeTokenEnv)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--addr", "0.0.0.0:0"}, ServeTokenEnv},
		{[]string{"serve", "--addr", "nonsense"}, "--addr"},
		{[]string{"serve", "--sync-every", "1s"}, "--sync-every"},
	} {
		code, _, errOut := run(false, c.args...)
		if code != ExitUsage || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, %q", c.args, code, errOut)
		}
	}
	t.Setenv(ServeTokenEnv, "short")
	if code, _, errOut := run(false, "serve", "--addr", "0.0.0.0:0"); code != ExitUsage || !strings.Contains(errOut, "too short") {
		t.Errorf("short token: exit %d %q", code, errOut)
	}
	const tok = "0123456789abcdef-secret"
	t.Setenv(ServeTokenEnv, tok)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	errBuf := &lockedBuf{}
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"serve", "--addr", "0.0.0.0:0"}, &IOStreams{In: strings.NewReader(""), Out: pw, Err: errBuf})
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	go io.Copy(io.Discard, pr) //nolint:errcheck // drain
	if err != nil || !strings.HasPrefix(line, "listening http://") {
		t.Fatalf("line %q err %v: %s", line, err, errBuf.String())
	}
	port := line[strings.LastIndex(line, ":")+1 : len(line)-1]
	base := "http://127.0.0.1:" + port
	if code, _ := get(t, base+"/api/status"); code != http.StatusUnauthorized {
		t.Errorf("no token: %d", code)
	}
	if code, _ := get(t, base+"/api/status?token=wrong-token-wrong"); code != http.StatusUnauthorized {
		t.Errorf("wrong token: %d", code)
	}
	req, _ := http.NewRequest("GET", base+"/api/status", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("bearer: %v %v", resp, err)
	}
	resp.Body.Close()
	// ?token= once: a cookie, and a redirect to the URL without the token.
	jar, _ := cookiejar.New(nil)
	cl := &http.Client{Jar: jar}
	resp, err = cl.Get(base + "/api/status?token=" + tok)
	if err != nil || resp.StatusCode != 200 || strings.Contains(resp.Request.URL.String(), "token") {
		t.Fatalf("token link: %v %v", resp, err)
	}
	resp.Body.Close()
	if strings.Contains(errBuf.String(), tok) {
		t.Error("the token appears in the log")
	}
	if !strings.Contains(errBuf.String(), ServeTokenEnv) {
		t.Errorf("start does not say a token is needed: %s", errBuf.String())
	}
	cancel()
	<-done
}

// TestServeSyncEvery: the background sync runs the saved queries, the
// status says when it last succeeded, and the snapshot is rebuilt after it.
func TestServeSyncEvery(t *testing.T) {
	defer func(old time.Duration) { minEvery = old }(minEvery)
	minEvery = 50 * time.Millisecond
	_, _, run := sandboxEnv(t, sandbox.Config{Seed: 3, Vacancies: 300, NoHardCells: true})
	if code, _, e := run("auth", "app"); code != 0 {
		t.Fatal(e)
	}
	if code, _, e := run("collect", "--name", "h", "--area", "113", "--rps", "0"); code != 0 {
		t.Fatal(e)
	}
	base, _ := startServe(t, "--addr", "127.0.0.1:0", "--sync-every", "200ms", "--rps", "0")
	var st struct {
		Snapshot struct {
			BuiltAt   time.Time `json:"built_at"`
			Vacancies int
		}
		Sync struct {
			Enabled   bool
			LastOK    *time.Time `json:"last_ok"`
			LastError string     `json:"last_error"`
		}
	}
	first := time.Time{}
	for deadline := time.Now().Add(30 * time.Second); ; {
		_, body := get(t, base+"/api/status")
		if err := json.Unmarshal([]byte(body), &st); err != nil {
			t.Fatal(err)
		}
		if first.IsZero() {
			first = st.Snapshot.BuiltAt
		}
		if st.Sync.LastOK != nil && st.Snapshot.BuiltAt.After(first) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no successful sync: %s", body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !st.Sync.Enabled || st.Snapshot.Vacancies < 200 || st.Sync.LastError != "" {
		t.Errorf("status %+v", st)
	}
	// The next sync may already be running (every 200 ms here): either state is shown.
	if _, page := get(t, base+"/"); !strings.Contains(page, "Синхронизация каждые") || !strings.Contains(page, "последняя успешная") && !strings.Contains(page, "<b>идёт</b>") {
		t.Errorf("the page does not show the sync status")
	}
}

package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/hhjobs/hhjobs/internal/sandbox"
)

// Sandbox is a running emulator the bench talks to over HTTP only (API and
// /_sandbox admin endpoints), whether it lives in this process or another.
type Sandbox struct {
	URL  string // base URL, e.g. http://127.0.0.1:40123
	Mode string // "subprocess" or "in-process"

	hc    *http.Client
	close func() error
	pid   int // subprocess only
}

// PeakRSS is the subprocess's VmHWM in bytes (-1 in-process or without /proc).
func (s *Sandbox) PeakRSS() int64 {
	if s.pid == 0 {
		return -1
	}
	return procStatusKB(fmt.Sprintf("/proc/%d/status", s.pid), "VmHWM:")
}

// Launcher starts a sandbox with cfg; the caller closes it.
type Launcher func(ctx context.Context, cfg sandbox.Config) (*Sandbox, error)

// InProcess serves sandbox.New(cfg) on a loopback port of this process.
func InProcess(_ context.Context, cfg sandbox.Config) (*Sandbox, error) {
	sb, err := sandbox.New(cfg)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	hs := &http.Server{Handler: sb, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	return &Sandbox{URL: "http://" + ln.Addr().String(), Mode: "in-process", hc: adminClient(),
		close: hs.Close}, nil
}

// Subprocess runs `exe prefix... sandbox --addr 127.0.0.1:0 …` (normally
// os.Executable(), i.e. hhjobs itself) so that the harvesting process's
// memory is the harvester's alone. It reads the "listening http://HOST:PORT"
// line the command prints first; Close kills the process. Its stderr goes to
// stderr (nil = discarded). Config fields the sandbox command has no flag for
// (NoHardCells, Drift, FaultRate, CaptchaAfter, Days) are refused.
func Subprocess(exe string, stderr io.Writer, prefix ...string) Launcher {
	return func(ctx context.Context, cfg sandbox.Config) (*Sandbox, error) {
		if cfg.NoHardCells || cfg.Drift != 0 || cfg.FaultRate != 0 || cfg.CaptchaAfter != 0 || cfg.Days != 0 {
			return nil, errors.New("bench: the sandbox command cannot be told NoHardCells, Drift, FaultRate, CaptchaAfter or Days; run it in-process")
		}
		seed := cfg.Seed
		if seed == 0 {
			seed = 1
		}
		args := append(append([]string{}, prefix...), "sandbox", "--addr", "127.0.0.1:0",
			"--seed", strconv.FormatInt(seed, 10), "--vacancies", strconv.Itoa(cfg.Vacancies),
			"--retry-after="+strconv.FormatBool(cfg.RetryAfter))
		if cfg.RPS > 0 {
			args = append(args, "--rps", strconv.FormatFloat(cfg.RPS, 'f', -1, 64))
		}
		if cfg.NoClusters {
			args = append(args, "--no-clusters")
		}
		if cfg.Latency > 0 {
			args = append(args, "--latency", cfg.Latency.String())
		}
		cmd := exec.Command(exe, args...)
		if stderr == nil {
			stderr = io.Discard
		}
		cmd.Stderr = stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			return nil, err
		}
		if err := cmd.Start(); err != nil {
			return nil, fmt.Errorf("bench: start sandbox: %w", err)
		}
		kill := func() error {
			_ = cmd.Process.Kill()
			_ = cmd.Wait() // "signal: killed" is the expected outcome
			return nil
		}
		type line struct {
			s   string
			err error
		}
		first := make(chan line, 1)
		go func() {
			br := bufio.NewReader(out)
			s, err := br.ReadString('\n')
			first <- line{strings.TrimSpace(s), err}
			_, _ = io.Copy(io.Discard, br)
		}()
		var l line
		select {
		case l = <-first:
		case <-ctx.Done():
			_ = kill()
			return nil, ctx.Err()
		case <-time.After(5 * time.Minute):
			_ = kill()
			return nil, errors.New("bench: the sandbox subprocess printed nothing for 5 minutes")
		}
		base, ok := strings.CutPrefix(l.s, "listening ")
		if l.err != nil || !ok {
			_ = kill()
			return nil, fmt.Errorf("bench: sandbox subprocess: want \"listening http://HOST:PORT\", got %q (%v)", l.s, l.err)
		}
		return &Sandbox{URL: base, Mode: "subprocess", hc: adminClient(), close: kill, pid: cmd.Process.Pid}, nil
	}
}

func adminClient() *http.Client { return &http.Client{Timeout: 5 * time.Minute} }

// Close stops the sandbox.
func (s *Sandbox) Close() error {
	if s == nil || s.close == nil {
		return nil
	}
	return s.close()
}

func (s *Sandbox) admin(ctx context.Context, method, path string, q url.Values, v any) error {
	u := s.URL + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return err
	}
	resp, err := s.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("sandbox %s %s: %s: %s", method, path, resp.Status, bytes.TrimSpace(b))
	}
	if v == nil {
		return nil
	}
	return json.Unmarshal(b, v)
}

// Truth is the sandbox's uncapped answer (open vacancies) for search params.
func (s *Sandbox) Truth(ctx context.Context, p url.Values) ([]string, error) {
	var t struct {
		IDs []string `json:"ids"`
	}
	err := s.admin(ctx, http.MethodGet, "/_sandbox/truth", p, &t)
	return t.IDs, err
}

// Stats are the sandbox's request counters.
func (s *Sandbox) Stats(ctx context.Context) (sandbox.Stats, error) {
	var st sandbox.Stats
	err := s.admin(ctx, http.MethodGet, "/_sandbox/stats", nil, &st)
	return st, err
}

// ResetStats zeroes the request counters.
func (s *Sandbox) ResetStats(ctx context.Context) error {
	return s.admin(ctx, http.MethodPost, "/_sandbox/reset_stats", nil, nil)
}

// AppToken mints an application token.
func (s *Sandbox) AppToken(ctx context.Context) (string, error) {
	var t struct {
		AccessToken string `json:"access_token"`
	}
	if err := s.admin(ctx, http.MethodPost, "/_sandbox/app_token", nil, &t); err != nil {
		return "", err
	}
	if t.AccessToken == "" {
		return "", errors.New("sandbox: empty app token")
	}
	return t.AccessToken, nil
}

// Mutate runs publish, archive, remove or change on n vacancies and returns their ids.
func (s *Sandbox) Mutate(ctx context.Context, op string, n int) ([]string, error) {
	var r struct {
		IDs []string `json:"ids"`
	}
	err := s.admin(ctx, http.MethodPost, "/_sandbox/"+op, url.Values{"n": {strconv.Itoa(n)}}, &r)
	return r.IDs, err
}

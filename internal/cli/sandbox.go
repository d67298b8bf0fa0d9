package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/hhjobs/hhjobs/internal/sandbox"
)

// SandboxOptions are the flags of `hhjobs sandbox`.
type SandboxOptions struct {
	IO   *IOStreams
	Addr string
	Cfg  sandbox.Config
	Time sandboxTime // --clock, --market (sandbox_clock.go)
}

// NewCmdSandbox builds `hhjobs sandbox`.
func NewCmdSandbox(f *Factory, runF func(context.Context, *SandboxOptions) error) *cobra.Command {
	opts := &SandboxOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run an emulator of the hh.ru API (seeded data, real limits and errors, fault injection)",
		Long: `Run an emulator of api.hh.ru and its OAuth endpoints on a local address.

It serves the same endpoints, JSON shapes, limits and errors as hh.ru, with a
seeded data set built on real areas, roles and dictionaries. The first line on
stdout is "listening http://HOST:PORT". Ground truth for tests is at
/_sandbox/truth?<search params>.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Cfg.Vacancies < 0 || opts.Cfg.Days < 1 || opts.Cfg.FaultRate < 0 || opts.Cfg.FaultRate > 1 || opts.Cfg.RPS < 0 {
				return usageErrorf("--vacancies must be ≥ 0, --days ≥ 1, --fault-rate in [0,1], --rps ≥ 0")
			}
			env := func(v *string, name, def string) {
				if *v == "" {
					*v = os.Getenv(name)
				}
				if *v == "" {
					*v = def
				}
			}
			env(&opts.Cfg.ClientID, "HH_CLIENT_ID", sandbox.DefaultClientID)
			env(&opts.Cfg.ClientSecret, "HH_CLIENT_SECRET", sandbox.DefaultClientSecret)
			env(&opts.Cfg.RedirectURI, "HH_REDIRECT_URI", sandbox.DefaultRedirectURI)
			if err := opts.Time.apply(&opts.Cfg); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runSandbox(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Addr, "addr", "127.0.0.1:8300", "address to listen on (port 0 picks a free one)")
	fl.Int64Var(&opts.Cfg.Seed, "seed", 1, "data seed: the same seed gives the same vacancies")
	fl.IntVar(&opts.Cfg.Vacancies, "vacancies", 30000, "number of generated vacancies (plus the hard cells)")
	fl.IntVar(&opts.Cfg.Days, "days", 30, "publication spread in days back from now")
	fl.Float64Var(&opts.Cfg.RPS, "rps", 0, "requests per second per client over which it answers 429 (0 = unlimited)")
	fl.BoolVar(&opts.Cfg.RetryAfter, "retry-after", true, "send Retry-After with 429")
	fl.DurationVar(&opts.Cfg.Latency, "latency", 0, "added to every API response")
	fl.Float64Var(&opts.Cfg.FaultRate, "fault-rate", 0, "share of API requests that fail (503 JSON, 503 HTML, dropped connection)")
	fl.Float64Var(&opts.Cfg.Drift, "drift", 0, "vacancies published per second while serving")
	fl.BoolVar(&opts.Cfg.Hostile, "hostile", false, "serve attack data (markup, formulas, terminal escapes, bidi, megabyte strings) and broken answers (200 MB, endless, stalled bodies): docs/security.md")
	fl.DurationVar(&opts.Cfg.HostileStall, "hostile-stall", 45*time.Second, "with --hostile: how long the stalled body stalls")
	fl.IntVar(&opts.Cfg.CaptchaAfter, "captcha-after", 0, "answer every vacancy request after this many with 403 captcha_required (0 = never)")
	fl.StringVar(&opts.Cfg.ClientID, "client-id", "", "the registered OAuth client id (env HH_CLIENT_ID; default a demo value)")
	fl.StringVar(&opts.Cfg.ClientSecret, "client-secret", "", "the registered client secret (env HH_CLIENT_SECRET; default a demo value)")
	fl.StringVar(&opts.Cfg.RedirectURI, "redirect-uri", "", "the registered redirect URI (env HH_REDIRECT_URI; default a demo value)")
	opts.Time.flags(fl)
	return cmd
}

func runSandbox(ctx context.Context, opts *SandboxOptions) error {
	opts.Cfg.Log = slog.New(slog.NewTextHandler(opts.IO.Err, &slog.HandlerOptions{Level: slog.LevelWarn}))
	start := time.Now()
	srv, err := sandbox.New(opts.Cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (pick another --addr)", opts.Addr, err)
	}
	fmt.Fprintf(opts.IO.Out, "listening http://%s\n", ln.Addr())
	fmt.Fprintf(opts.IO.Err, "sandbox: %d vacancies (seed %d) built in %s\n", opts.Cfg.Vacancies, opts.Cfg.Seed, time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(opts.IO.Err, "sandbox: OAuth client: HH_CLIENT_ID=%s HH_CLIENT_SECRET=%s HH_REDIRECT_URI=%s\n",
		opts.Cfg.ClientID, sandboxSecretHint(opts.Cfg.ClientSecret), opts.Cfg.RedirectURI)
	hs := &http.Server{Handler: opts.Time.handler(srv), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
		return nil
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	}
}

// sandboxSecretHint prints the demo secret (it is public) but never a secret
// the user brought in through the environment.
func sandboxSecretHint(secret string) string {
	if secret == sandbox.DefaultClientSecret {
		return secret
	}
	return "(from your environment)"
}

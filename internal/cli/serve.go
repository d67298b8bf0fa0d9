package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime/debug"
	"time"

	"github.com/spf13/cobra"

	"github.com/hhjobs/hhjobs/internal/harvest"
	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/web"
)

// ServeTokenEnv holds the access token a non-loopback dashboard requires.
const ServeTokenEnv = "HHJOBS_SERVE_TOKEN"

// minServeToken is the shortest token accepted: a guessable token on a
// network address is no protection.
const minServeToken = 16

// serveMemoryLimit is the Go heap's soft limit for serve (GOMEMLIMIT
// overrides it): the budget of 600 MB RSS at a million vacancies,
// less the runtime's and SQLite's own memory. Near the limit the
// collector runs back to back: at 460 MiB the broadest view (/?area=113,
// every row) took 4.4-5.2 s; at 500 MiB 3.5-3.9 s, the peak RSS staying at
// 537-543 MB (bench serve, 2026-12-02; the caches' byte budgets made the
// room).
const serveMemoryLimit = 500 << 20

// ServeOptions are the flags of `hhjobs serve`.
type ServeOptions struct {
	Addr      string
	SyncEvery time.Duration
	Open      bool
	Harvest   HarvestFlags
}

// NewCmdServe builds `hhjobs serve`.
func NewCmdServe(f *Factory) *cobra.Command {
	o := &ServeOptions{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "The HR-market dashboard in the browser (read-only, filterable)",
		Long: `Serve the dashboard of the database: the report's sections recomputed for any
filters, the vacancy list, and a JSON API (docs/serve.md). The filters are URL
parameters with the names of the stats/report/export flags, so every view is a
link. The first line on stdout is "listening http://HOST:PORT".
Loopback only unless --addr says otherwise; then HHJOBS_SERVE_TOKEN is required.
--sync-every syncs the saved queries in the background (as 'hhjobs sync') and
refreshes the dashboard after each sync.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd.Context(), f, o)
		},
	}
	cmd.Flags().StringVar(&o.Addr, "addr", "127.0.0.1:8080", "address to listen on (HOST:PORT; port 0 picks a free one)")
	cmd.Flags().DurationVar(&o.SyncEvery, "sync-every", 0, "sync the saved queries in the background this often (0 = never)")
	cmd.Flags().BoolVar(&o.Open, "open", false, "open the dashboard in the browser")
	o.Harvest.add(cmd)
	return cmd
}

func runServe(ctx context.Context, f *Factory, o *ServeOptions) error {
	if _, _, err := net.SplitHostPort(o.Addr); err != nil {
		return usageErrorf("--addr %q: want HOST:PORT, e.g. 127.0.0.1:8080", o.Addr)
	}
	// A token is required off loopback, and honoured on loopback when set
	// (a shared machine's other users reach 127.0.0.1 too).
	token := os.Getenv(ServeTokenEnv)
	if token == "" && !web.IsLoopback(o.Addr) {
		return usageErrorf("--addr %s is reachable from other machines: set %s to a secret of at least %d characters (e.g. openssl rand -hex 16), or use 127.0.0.1", o.Addr, ServeTokenEnv, minServeToken)
	}
	if token != "" && len(token) < minServeToken {
		return usageErrorf("%s is too short: use at least %d characters (e.g. openssl rand -hex 16)", ServeTokenEnv, minServeToken)
	}
	if o.SyncEvery < 0 || (o.SyncEvery > 0 && o.SyncEvery < minEvery) {
		return usageErrorf("--sync-every %s: want at least %s (or 0 for no sync)", o.SyncEvery, minEvery)
	}
	if o.SyncEvery > 0 {
		if err := o.Harvest.check(); err != nil {
			return err
		}
		if err := f.Settings.requireUserAgent(); err != nil {
			return err
		}
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		// A long-lived server holds the snapshot (~330 B per vacancy) and
		// computes views next to it: a soft limit makes the collector work
		// harder instead of letting the heap double between collections.
		debug.SetMemoryLimit(serveMemoryLimit)
	}
	st, err := f.ReadStore(ctx)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return fmt.Errorf("--addr %s: %w", o.Addr, err)
	}
	defer ln.Close()
	cfg := web.Config{
		Store: st,
		Stats: func(ctx context.Context, st store.Store, v url.Values) ([]byte, error) {
			return StatsJSONBytes(ctx, st, v, f.Now())
		},
		StatsParams: StatsParams,
		Lifetime: func(ctx context.Context, st store.Store, v url.Values) ([]byte, error) {
			return LifetimeJSONBytes(ctx, st, v, f.Now())
		},
		LifetimeParams: LifetimeParams,
		Token:          token,
		Now:            f.Now,
		Log:            slog.New(slog.NewTextHandler(f.IO.Err, nil)),
	}
	if o.SyncEvery > 0 {
		cfg.Sync, cfg.SyncEvery = serveSync(f, st, o.Harvest), o.SyncEvery
	}
	srv, err := web.New(ctx, cfg)
	if err != nil {
		return err
	}
	u := "http://" + ln.Addr().String()
	fmt.Fprintf(f.IO.Out, "listening %s\n", u)
	if token != "" {
		fmt.Fprintf(f.IO.Err, "serve: every request needs the token of %s (open %s/?token=… once, or send Authorization: Bearer …)\n", ServeTokenEnv, u)
	}
	snap := srv.Snapshot()
	fmt.Fprintf(f.IO.Err, "serve: %d vacancies in memory (snapshot built in %s); read-only; Ctrl-C stops\n", snap.Len(), snap.Took.Round(time.Millisecond))
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go srv.RunSync(ctx)
	go func() {
		<-ctx.Done()
		sctx, c := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer c()
		_ = hs.Shutdown(sctx)
	}()
	if o.Open {
		if err := openBrowser(u); err != nil {
			fmt.Fprintf(f.IO.Err, "serve: could not open a browser (%v): open %s\n", err, u)
		}
	}
	if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// serveSync is one background sync of every saved query: the path of
// `hhjobs sync` (reference data, then runQueries with its locks and resume).
func serveSync(f *Factory, st store.Store, hf HarvestFlags) func(context.Context) error {
	var h *harvest.Harvester
	return func(ctx context.Context) error {
		if h == nil {
			var err error
			if h, err = f.Harvester(ctx, hf); err != nil {
				return err
			}
		}
		qs, err := syncTargets(ctx, st, nil)
		if err != nil {
			return err
		}
		if err := harvest.EnsureReference(ctx, h.API, st, f.Now()); err != nil {
			return err
		}
		return runQueries(ctx, f, h, qs, hf)
	}
}

package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hhjobs/hhjobs/internal/auth"
	"github.com/hhjobs/hhjobs/internal/sandbox"
)

// DemoOptions are the flags of `hhjobs demo`.
type DemoOptions struct {
	Dir       string
	Vacancies int
	Seed      int64
}

// NewCmdDemo builds `hhjobs demo`.
func NewCmdDemo(f *Factory) *cobra.Command {
	o := &DemoOptions{}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Offline end to end: a simulated market, app token, HR preset over Russia, collect, 60 daily syncs, report",
		Long: `Run the whole pipeline offline on two simulated months: start the hh.ru
sandbox in-process with a simulated market and clock (vacancies arrive, change
pay, are republished and close after a known log-normal lifetime), let it run
about 60 days, collect the HR preset over Russia (--area 113), then sync it once
a simulated day for 60 days, and write the HTML report. The demo prints the
market's true median lifetime next to the estimate. Everything goes into --dir
(a fresh database each run); the last line on stdout is the report's path.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.Vacancies < 100 {
				return usageErrorf("--vacancies %d: want at least 100", o.Vacancies)
			}
			return runDemo(cmd.Context(), f, o)
		},
	}
	cmd.Flags().StringVar(&o.Dir, "dir", "hhjobs-demo", "directory for the demo's database, tokens and report")
	cmd.Flags().IntVar(&o.Vacancies, "vacancies", demoDays*demoPerDay, "vacancies the simulated market publishes over its "+fmt.Sprint(demoDays)+" days (all roles and areas)")
	cmd.Flags().Int64Var(&o.Seed, "seed", 1, "sandbox data seed")
	return cmd
}

func runDemo(ctx context.Context, f *Factory, o *DemoOptions) error {
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	// A fresh sandbox issues fresh tokens and data: start from a clean slate
	// in the demo's own directory, never in the user's real config.
	for _, name := range []string{"hhjobs.db", "hhjobs.db-wal", "hhjobs.db-shm", auth.TokensFile} {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	clock, market, start := demoMarket(o)
	fmt.Fprintf(f.IO.Err, "demo: a simulated market from %s: %.0f vacancies a day, log-normal lifetimes (true median %.0f days), seed %d\n",
		start.Format(time.DateOnly), market.PerDay, market.MedianDays, o.Seed)
	sb, err := sandbox.New(sandbox.Config{Seed: o.Seed, Now: clock.Now, NoHardCells: true, Market: market})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: sb, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(f.IO.Err, "demo: sandbox listening on %s\n", base)

	// The demo's client is the sandbox's public demo client, kept in the
	// demo's own config.json like a user's --save-credentials would.
	if err := auth.SaveConfig(dir, auth.Config{ClientID: sandbox.DefaultClientID, ClientSecret: sandbox.DefaultClientSecret,
		RedirectURI: sandbox.DefaultRedirectURI}); err != nil {
		return err
	}
	global := []string{"--config-dir", dir, "--db", filepath.Join(dir, "hhjobs.db"), "--api-base", base,
		"--oauth-base", base, "--user-agent", "hhjobs-demo/1.0 (demo@localhost)"}
	report := filepath.Join(dir, "report.html")
	// Sub-commands write their machine output to stderr: the demo's stdout is
	// only the report path, as scripts expect.
	sub := &IOStreams{In: f.IO.In, Out: f.IO.Err, Err: f.IO.Err, errTTY: f.IO.errTTY}
	steps := [][]string{
		{"auth", "app"},
		{"collect", "--preset", "hr", "--area", "113", "--date-from", start.In(msk).Format(time.DateOnly), "--name", "hr", "--rps", "0", "--concurrency", "8"},
	}
	for day := 1; day <= demoSyncDays; day++ {
		steps = append(steps, []string{"sync", "hr", "--rps", "0", "--concurrency", "8"})
	}
	steps = append(steps, []string{"stats", "--by", "experience"}, []string{"report", "--out", report})
	clock.Advance(demoWarmDays * 24 * time.Hour)
	var quiet bytes.Buffer // the syncs' own output, shown only if one fails
	day := 0
	for _, step := range steps {
		sub := sub
		if step[0] == "sync" {
			clock.Advance(24 * time.Hour)
			day++
			quiet.Reset()
			sub = &IOStreams{In: f.IO.In, Out: &quiet, Err: &quiet}
		}
		if step[0] == "report" {
			if err := demoTruth(ctx, f, filepath.Join(dir, "hhjobs.db"), sb); err != nil {
				return err
			}
		}
		if step[0] != "sync" || day%10 == 0 {
			fmt.Fprintf(f.IO.Err, "demo: %s (simulated) hhjobs %s\n", clock.Now().In(msk).Format(time.DateOnly), strings.Join(step, " "))
		}
		child := NewFactory(sub)
		root := NewCmdRoot(child)
		root.SetArgs(append(append([]string{}, global...), step...))
		root.SetOut(sub.Out)
		root.SetErr(sub.Err)
		err := root.ExecuteContext(ctx)
		child.Close()
		if err != nil {
			f.IO.Err.Write(quiet.Bytes())
			return fmt.Errorf("demo step 'hhjobs %s': %w", strings.Join(step, " "), err)
		}
	}
	fmt.Fprintf(f.IO.Err, "demo: done; open the report in a browser. Data: %s\n", dir)
	fmt.Fprintf(f.IO.Err, "demo: to explore it with filters: hhjobs serve --db %s --open\n", filepath.Join(dir, "hhjobs.db"))
	fmt.Fprintln(f.IO.Out, report)
	return nil
}

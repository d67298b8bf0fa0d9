package cli

import (
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
		Short: "Offline end to end: sandbox, app token, HR preset, collect, report",
		Long: `Run the whole pipeline offline: start the hh.ru sandbox in-process, get an
application token from it, collect the HR preset completely, and write the HTML
report. Everything goes into --dir (a fresh database each run); the last line on
stdout is the report's path.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.Vacancies < 100 {
				return usageErrorf("--vacancies %d: want at least 100", o.Vacancies)
			}
			return runDemo(cmd.Context(), f, o)
		},
	}
	cmd.Flags().StringVar(&o.Dir, "dir", "hhjobs-demo", "directory for the demo's database, tokens and report")
	cmd.Flags().IntVar(&o.Vacancies, "vacancies", 20000, "vacancies in the sandbox (plus its hard cells)")
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
	fmt.Fprintf(f.IO.Err, "demo: building the sandbox (%d vacancies, seed %d)…\n", o.Vacancies, o.Seed)
	sb, err := sandbox.New(sandbox.Config{Seed: o.Seed, Vacancies: o.Vacancies})
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
		{"collect", "--preset", "hr", "--name", "hr", "--rps", "0", "--concurrency", "8"},
		{"stats", "--by", "experience"},
		{"report", "--out", report},
	}
	for _, step := range steps {
		fmt.Fprintf(f.IO.Err, "demo: hhjobs %s\n", strings.Join(step, " "))
		child := NewFactory(sub)
		root := NewCmdRoot(child)
		root.SetArgs(append(append([]string{}, global...), step...))
		root.SetOut(sub.Out)
		root.SetErr(sub.Err)
		err := root.ExecuteContext(ctx)
		child.Close()
		if err != nil {
			return fmt.Errorf("demo step 'hhjobs %s': %w", strings.Join(step, " "), err)
		}
	}
	fmt.Fprintf(f.IO.Err, "demo: done; open the report in a browser. Data: %s\n", dir)
	fmt.Fprintln(f.IO.Out, report)
	return nil
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hhjobs/hhjobs/internal/harvest"
	"github.com/hhjobs/hhjobs/internal/hhapi"
	"github.com/hhjobs/hhjobs/internal/hhtime"
	"github.com/hhjobs/hhjobs/internal/httpx"
	"github.com/hhjobs/hhjobs/internal/store"
)

// HarvestFlags are the controls shared by collect and sync.
type HarvestFlags struct {
	RPS         float64 // hard ceiling when !Auto (0 = unlimited)
	Auto        bool    // --rps auto: adaptive rate (httpx.Adaptive)
	Concurrency int
	Details     string
	Every       time.Duration
	MaxOutage   time.Duration // how long one request waits for an API that does not answer
	SourceAddr  string        // bind outgoing connections to this local IP
}

func (h *HarvestFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	h.Auto = true
	fl.Var(rpsValue{h}, "rps", "requests per second shared by all workers: auto adapts below the API's limit (remembered per API in the config dir); a number is a hard ceiling (0 = unlimited, for the sandbox)")
	fl.IntVar(&h.Concurrency, "concurrency", 4, "requests in flight")
	fl.StringVar(&h.SourceAddr, "source-addr", "", "send from this local IP address (several collectors on one machine, each with its own hh.ru rate limit)")
	fl.StringVar(&h.Details, "details", harvest.DetailsNew, "full vacancies to fetch: new (new and changed), all, none")
	fl.DurationVar(&h.MaxOutage, "max-outage", httpx.DefaultMaxOutage, "how long a request keeps retrying while hh.ru does not answer (refused, reset, DNS, TLS, timeouts), every worker pausing; then the run stops, resumable")
}

func (h *HarvestFlags) check() error {
	switch h.Details {
	case harvest.DetailsNew, harvest.DetailsAll, harvest.DetailsNone:
	default:
		return usageErrorf("--details %q: want new, all or none", h.Details)
	}
	if h.RPS < 0 {
		return usageErrorf("--rps %v: want a number ≥ 0 (0 = unlimited)", h.RPS)
	}
	if h.MaxOutage <= 0 {
		return usageErrorf("--max-outage %s: want a positive duration such as 30s or 5m", h.MaxOutage)
	}
	if h.Concurrency < 1 || h.Concurrency > 64 {
		return usageErrorf("--concurrency %d: want 1…64", h.Concurrency)
	}
	if h.SourceAddr != "" {
		if _, err := httpx.LocalIP(h.SourceAddr); err != nil {
			return usageErrorf("--source-addr: %v; give an IP address of this machine", err)
		}
	}
	return nil
}

// CollectOptions are the flags of `hhjobs collect`.
type CollectOptions struct {
	Name    string
	Preset  string
	Replace bool
	Join    int64
	DryRun  bool
	Harvest HarvestFlags

	Text, ExcludedText                           string
	Roles, Areas, Experience, WorkFormat         []string
	EmploymentForm, Schedule, Industry, Employer []string
	SearchField                                  []string
	Salary                                       int64
	Currency                                     string
	OnlyWithSalary                               bool
	DateFrom, DateTo                             string
	Period                                       int
	Params                                       []string

	textSet bool
}

// NewCmdCollect builds `hhjobs collect`.
func NewCmdCollect(f *Factory) *cobra.Command {
	o := &CollectOptions{}
	cmd := &cobra.Command{
		Use:   "collect [filters]",
		Short: "Save a query and harvest every vacancy it matches, past the 2000 cap",
		Long: `Save a query under --name and harvest it completely: the query is split by
role, area and publication time until every slice is under hh.ru's 2000-result
cap, every slice is paged, and full vacancies are fetched for new ones.

Running the same collect again resumes an unfinished run, or starts a new one
(like 'hhjobs sync NAME'); --replace abandons the unfinished run and plans anew.
Every filter is checked against hh.ru's reference data before the query is
saved; areas and roles take names too. Repeatable filters accept commas too.`,
		Example: `  hhjobs collect --preset hr --area 113
  hhjobs collect --name go-moscow --text golang --area 1 --role 96`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.textSet = cmd.Flags().Changed("text")
			return runCollect(cmd.Context(), f, o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Name, "name", "", "save the query under this name (default: a readable name built from the filters, e.g. hr-113 or role118-moskva)")
	fl.StringVar(&o.Preset, "preset", "", "a named set of filters: hr (roles 17, 38, 69, 117, 118, 153, 171), all (every role: the whole market)")
	fl.BoolVar(&o.Replace, "replace", false, "change the filters of an existing --name and plan a new run (its unfinished run is abandoned)")
	fl.BoolVar(&o.DryRun, "dry-run", false, "print the plan (slices, requests, time at --rps) using probes only; save and collect nothing")
	fl.Int64Var(&o.Join, "join", 0, "be one more collector of this run (started elsewhere on a shared PostgreSQL); no filters")
	fl.StringVar(&o.Text, "text", "", "search text (hh.ru query language)")
	fl.StringVar(&o.ExcludedText, "excluded-text", "", "drop vacancies with these words")
	fl.StringSliceVar(&o.Roles, "role", nil, "professional role: id or name, e.g. 118 or 'Специалист по подбору персонала' (repeatable; 'hhjobs roles SEARCH' lists them)")
	fl.StringSliceVar(&o.Areas, "area", nil, "area: id or name, e.g. 113 or Россия, 1 or Москва (repeatable; 'hhjobs areas SEARCH' lists them)")
	fl.StringSliceVar(&o.Experience, "experience", nil, "noExperience, between1And3, between3And6, moreThan6")
	fl.StringSliceVar(&o.WorkFormat, "work-format", nil, "ON_SITE, REMOTE, HYBRID, FIELD_WORK")
	fl.StringSliceVar(&o.EmploymentForm, "employment-form", nil, "FULL, PART, PROJECT, FLY_IN_FLY_OUT")
	fl.StringSliceVar(&o.Schedule, "schedule", nil, "fullDay, shift, flexible, remote, flyInFlyOut (deprecated by hh.ru)")
	fl.StringSliceVar(&o.Industry, "industry", nil, "industry id, e.g. 7 or 7.540")
	fl.StringSliceVar(&o.Employer, "employer", nil, "employer id")
	fl.StringSliceVar(&o.SearchField, "search-field", nil, "name, company_name, description")
	fl.Int64Var(&o.Salary, "salary", 0, "salary the vacancy's range must cover")
	fl.StringVar(&o.Currency, "currency", "", "currency code of --salary (RUR, USD, EUR, …)")
	fl.BoolVar(&o.OnlyWithSalary, "only-with-salary", false, "only vacancies with a salary")
	fl.StringVar(&o.DateFrom, "date-from", "", "published on or after (YYYY-MM-DD or YYYY-MM-DDThh:mm:ss+hhmm)")
	fl.StringVar(&o.DateTo, "date-to", "", "published on or before")
	fl.IntVar(&o.Period, "period", 0, "published in the last N days (1…30)")
	fl.StringArrayVar(&o.Params, "param", nil, "any other search parameter, key=value (repeatable)")
	o.Harvest.add(cmd)
	return cmd
}

// queryParams turns the flags into the API's search parameters.
func (o *CollectOptions) queryParams() (url.Values, error) {
	p := url.Values{}
	add := func(key string, vals []string) {
		for _, v := range vals {
			if v = strings.TrimSpace(v); v != "" {
				p.Add(key, v)
			}
		}
	}
	if o.textSet && strings.TrimSpace(o.Text) == "" {
		return nil, usageErrorf("--text is empty: drop it to search everything, or give words to search for")
	}
	if o.Text != "" {
		p.Set(hhapi.ParamText, o.Text)
	}
	if o.ExcludedText != "" {
		p.Set(hhapi.ParamExcludedText, o.ExcludedText)
	}
	switch strings.ToLower(o.Preset) {
	case "":
	case "hr":
		add(hhapi.ParamProfessionalRole, harvest.HRRoles)
	case "all": // the whole market: no role filter
	default:
		return nil, usageErrorf("--preset %q: want hr, or all (every role)", o.Preset)
	}
	add(hhapi.ParamProfessionalRole, o.Roles)
	add(hhapi.ParamArea, o.Areas)
	add(hhapi.ParamExperience, o.Experience)
	add(hhapi.ParamWorkFormat, o.WorkFormat)
	add(hhapi.ParamEmploymentForm, o.EmploymentForm)
	add(hhapi.ParamSchedule, o.Schedule)
	add(hhapi.ParamIndustry, o.Industry)
	add(hhapi.ParamEmployerID, o.Employer)
	add(hhapi.ParamSearchField, o.SearchField)
	if o.Salary < 0 {
		return nil, usageErrorf("--salary %d: want a positive amount", o.Salary)
	}
	if o.Salary > 0 {
		p.Set(hhapi.ParamSalary, strconv.FormatInt(o.Salary, 10))
	}
	if o.Currency != "" {
		if o.Salary == 0 {
			return nil, usageErrorf("--currency needs --salary")
		}
		p.Set(hhapi.ParamCurrency, strings.ToUpper(o.Currency))
	}
	if o.OnlyWithSalary {
		p.Set(hhapi.ParamOnlyWithSalary, "true")
	}
	if o.Period != 0 {
		if o.Period < 1 || o.Period > 30 {
			return nil, usageErrorf("--period %d: hh.ru accepts 1…30 days", o.Period)
		}
		if o.DateFrom != "" || o.DateTo != "" {
			return nil, usageErrorf("--period cannot be combined with --date-from/--date-to (hh.ru refuses both)")
		}
		p.Set(hhapi.ParamPeriod, strconv.Itoa(o.Period))
	}
	var from, to time.Time
	for _, d := range []struct {
		flag, key, val string
		t              *time.Time
	}{{"--date-from", hhapi.ParamDateFrom, o.DateFrom, &from}, {"--date-to", hhapi.ParamDateTo, o.DateTo, &to}} {
		if d.val == "" {
			continue
		}
		t, err := parseDateFlag(d.val)
		if err != nil {
			return nil, usageErrorf("%s %q: want YYYY-MM-DD or YYYY-MM-DDThh:mm:ss+hhmm", d.flag, d.val)
		}
		*d.t = t
		p.Set(d.key, t.Format(hhtime.Layout))
	}
	if !from.IsZero() && !to.IsZero() && !from.Before(to) {
		return nil, usageErrorf("--date-from %s is not before --date-to %s", o.DateFrom, o.DateTo)
	}
	for _, kv := range o.Params {
		k, v, ok := strings.Cut(kv, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, usageErrorf("--param %q: want key=value", kv)
		}
		switch k {
		case hhapi.ParamPage, hhapi.ParamPerPage, hhapi.ParamOrderBy:
			return nil, usageErrorf("--param %s: hhjobs sets paging and order itself", k)
		}
		p.Add(k, v)
	}
	for k := range p {
		if k != hhapi.ParamText && k != hhapi.ParamExcludedText {
			p[k] = dedupe(p[k])
		}
	}
	return p, nil
}

func dedupe(vs []string) []string {
	out := vs[:0:0]
	for _, v := range vs {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func parseDateFlag(s string) (time.Time, error) { return harvest.ParseAPITime(s) }

func sameParams(a, b url.Values) bool { return a.Encode() == b.Encode() }

// paramKeys lists the keys given through --param.
func (o *CollectOptions) paramKeys() map[string]bool {
	keys := map[string]bool{}
	for _, kv := range o.Params {
		k, _, _ := strings.Cut(kv, "=")
		keys[strings.TrimSpace(k)] = true
	}
	return keys
}

func runCollect(ctx context.Context, f *Factory, o *CollectOptions) error {
	if err := o.Harvest.check(); err != nil {
		return err
	}
	if o.Join != 0 && o.DryRun {
		return usageErrorf("--dry-run plans a query of its own: drop --join")
	}
	if o.Join != 0 {
		return joinRun(ctx, f, o)
	}
	p, err := o.queryParams()
	if err != nil {
		return err
	}
	if err := f.Settings.requireUserAgent(); err != nil {
		return err
	}
	st, err := f.Store(ctx)
	if err != nil {
		return err
	}
	h, err := f.Harvester(ctx, o.Harvest)
	if err != nil {
		return err
	}
	if err := harvest.EnsureReference(ctx, h.API, st, f.Now()); err != nil {
		return err
	}
	// Names become ids and every filter is checked before the query is
	// saved: a query with a value hh.ru refuses must never exist.
	if err := harvest.Resolve(ctx, st, p); err != nil {
		return flagged(err, o.paramKeys())
	}
	name := o.Name
	if name == "" {
		if name, err = defaultQueryName(ctx, st, o, p); err != nil {
			return err
		}
	}
	if o.DryRun {
		return dryRun(ctx, f, h, store.Query{Name: name, Params: p}, o.Harvest)
	}
	q, err := st.QueryByName(ctx, name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		q, err = st.SaveQuery(ctx, store.Query{Name: name, Params: p})
		if err != nil {
			return err
		}
		if o.Name == "" {
			fmt.Fprintf(f.IO.Err, "saved query %q (sync it later with 'hhjobs sync %s')\n", name, name)
		} else {
			fmt.Fprintf(f.IO.Err, "saved query %q\n", name)
		}
	case err != nil:
		return err
	case o.Replace:
		changed := !sameParams(url.Values(q.Params), p)
		q.Params = p
		if q, err = st.SaveQuery(ctx, q); err != nil {
			return err
		}
		abandoned, err := abandonOpenRuns(ctx, f, st, q, "abandoned: collect --replace planned the query anew")
		if err != nil {
			return err
		}
		what := "kept the filters"
		if changed {
			what = "replaced the filters"
		}
		msg := fmt.Sprintf("%s of query %q", what, name)
		if len(abandoned) > 0 {
			msg += fmt.Sprintf(" and abandoned its unfinished run %s", joinIDs(abandoned))
		}
		fmt.Fprintln(f.IO.Err, msg+"; planning a new run")
	case !sameParams(url.Values(q.Params), p):
		return usageErrorf("query %q exists with other filters (%s): pass --replace to change them, or pick another --name", name, url.Values(q.Params).Encode())
	}
	return runQueries(ctx, f, h, []store.Query{q}, o.Harvest)
}

// joinRun makes this process one more collector of an existing run: the
// query comes from the run, so no filters are given. Only an open run can
// be joined: not done, not abandoned, and not superseded by a newer run of
// its query (joining those would re-fetch what is already there).
func joinRun(ctx context.Context, f *Factory, o *CollectOptions) error {
	if o.Name != "" || o.Preset != "" || o.Replace {
		return usageErrorf("--join takes the run's own query: drop --name, --preset and --replace")
	}
	if err := f.Settings.requireUserAgent(); err != nil {
		return err
	}
	st, err := f.ReadStore(ctx)
	if err != nil {
		return err
	}
	run, err := st.GetRun(ctx, o.Join)
	if errors.Is(err, store.ErrNotFound) {
		return usageErrorf("--join %d: no such run in this database ('hhjobs status' shows run ids)", o.Join)
	}
	if err != nil {
		return err
	}
	qs, err := st.Queries(ctx)
	if err != nil {
		return err
	}
	for _, q := range qs {
		if q.ID != run.QueryID {
			continue
		}
		if err := joinable(ctx, st, run, q); err != nil {
			return err
		}
		h, err := f.Harvester(ctx, o.Harvest)
		if err != nil {
			return err
		}
		if err := harvest.EnsureReference(ctx, h.API, st, f.Now()); err != nil {
			return err
		}
		fmt.Fprintf(f.IO.Err, "joining run %d of query %q\n", run.ID, q.Name)
		return harvestQueries(ctx, f, h, []store.Query{q}, o.Harvest, o.Join)
	}
	return fmt.Errorf("run %d belongs to query %d, which is gone", run.ID, run.QueryID)
}

// joinable refuses, in one line, a run that is no longer open.
func joinable(ctx context.Context, st store.Store, run store.Run, q store.Query) error {
	if !run.Open() {
		return usageErrorf("--join %d: run %d of query %q is %s; only an unfinished run can be joined (start a new one with 'hhjobs sync %s')",
			run.ID, run.ID, q.Name, run.Status, q.Name)
	}
	runs, err := st.Runs(ctx, q.ID)
	if err != nil {
		return err
	}
	if len(runs) > 0 && runs[0].ID != run.ID {
		return usageErrorf("--join %d: run %d of query %q was superseded by run %d; join that one if it is unfinished",
			run.ID, run.ID, q.Name, runs[0].ID)
	}
	return nil
}

// abandonOpenRuns marks every open run of q abandoned, so the next run plans anew.
func abandonOpenRuns(ctx context.Context, f *Factory, st store.Store, q store.Query, why string) ([]int64, error) {
	runs, err := st.Runs(ctx, q.ID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	now := f.Now()
	for _, r := range runs {
		if !r.Open() {
			continue
		}
		if err := st.FinishRun(ctx, r.ID, store.RunAbandoned, why, &now); err != nil {
			return ids, err
		}
		ids = append(ids, r.ID)
	}
	return ids, nil
}

func joinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ", ")
}

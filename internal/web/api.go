package web

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/export"
	"github.com/hhjobs/hhjobs/internal/report"
)

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// handleAPIStats serves what `hhjobs stats --json` prints for the same
// parameters, computed by the same function on the snapshot.
func (s *Server) handleAPIStats(w http.ResponseWriter, r *http.Request) {
	own := s.cfg.StatsParams
	if own == nil {
		own = []string{"by", "basis"}
	}
	s.serveCLIJSON(w, r, "stats", s.cfg.Stats, own)
}

// handleAPILifetime serves what `hhjobs stats --lifetime --json` prints for
// the same parameters, computed by the same function on the snapshot.
func (s *Server) handleAPILifetime(w http.ResponseWriter, r *http.Request) {
	own := s.cfg.LifetimeParams
	if own == nil {
		own = []string{"by"}
	}
	s.serveCLIJSON(w, r, "lifetime", s.cfg.Lifetime, own)
}

// serveCLIJSON answers with the bytes fn (a CLI command's --json) gives for
// the request's parameters, from the snapshot's cache when the same
// parameters were asked before.
func (s *Server) serveCLIJSON(w http.ResponseWriter, r *http.Request, name string, fn StatsFunc, own []string) {
	v := r.URL.Query()
	if err := checkParams(v, own...); err != nil {
		s.fail(w, r, err)
		return
	}
	b, err := s.cliJSON(r.Context(), name, fn, v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(b)
}

func (s *Server) handleAPIVacancies(w http.ResponseWriter, r *http.Request) {
	l, err := s.list(r.Context(), r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, l)
}

// Status is /api/status: what the dashboard shows and how fresh it is.
type Status struct {
	Snapshot struct {
		BuiltAt   time.Time `json:"built_at"`
		TookMS    int64     `json:"took_ms"`
		Vacancies int       `json:"vacancies"`
	} `json:"snapshot"`
	Sync SyncStatus `json:"sync"`
}

func (s *Server) status() Status {
	var st Status
	snap := s.snap.Load()
	st.Snapshot.BuiltAt, st.Snapshot.TookMS, st.Snapshot.Vacancies = snap.Built, snap.Took.Milliseconds(), snap.Len()
	st.Sync = s.sync.get()
	st.Sync.Enabled = s.cfg.Sync != nil && s.cfg.SyncEvery > 0
	if st.Sync.Enabled {
		st.Sync.Every = s.cfg.SyncEvery.String()
	}
	return st
}

func (s *Server) handleAPIStatus(w http.ResponseWriter, r *http.Request) {
	if err := noParams(r.URL.Query()); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, s.status())
}

func csvHeaders(w http.ResponseWriter, name string) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
}

// handleVacanciesCSV downloads the whole filtered, sorted list (not one page).
func (s *Server) handleVacanciesCSV(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	snap := s.snap.Load()
	lr, err := s.parseList(r.Context(), snap, v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	idx := s.matches(snap, lr)
	csvHeaders(w, "hhjobs-vacancies.csv")
	bw := bufio.NewWriter(w)
	cw := export.NewCSVWriter(bw, export.CSVOptions{})
	kinds := export.Kinds(7, 5)
	_ = cw.Write([]string{"id", "name", "employer", "area", "published_at", "salary_monthly_rur", "alternate_url"}, nil)
	for _, i := range idx {
		it := s.item(r.Context(), snap, i, false)
		pay := ""
		if it.MonthlyRUR != nil {
			pay = strconv.FormatInt(*it.MonthlyRUR, 10)
		}
		if err := cw.Write([]string{it.ID, it.Name, it.Employer, it.Area, export.Time(it.PublishedAt), pay, it.AlternateURL}, kinds); err != nil {
			return
		}
	}
	_ = cw.Flush()
	_ = bw.Flush()
}

// handleTableCSV downloads one table of the overview (t = its id) for the
// same filters, through the project's CSV cell layer (formulas neutralised).
func (s *Server) handleTableCSV(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	if err := checkParams(v, "t", "basis"); err != nil {
		s.fail(w, r, err)
		return
	}
	id := v.Get("t")
	v.Del("t")
	vw, err := s.overview(r.Context(), v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var ids []string
	for _, t := range report.Tables(vw.res, vw.meta) {
		ids = append(ids, t.ID)
		if t.ID != id {
			continue
		}
		csvHeaders(w, "hhjobs-"+t.ID+".csv")
		kinds := make([]export.Kind, len(t.Num))
		for i, n := range t.Num {
			if n {
				kinds[i] = export.Number
			}
		}
		cw := export.NewCSVWriter(w, export.CSVOptions{})
		_ = cw.Write(t.Head, nil)
		for _, row := range t.Rows {
			_ = cw.Write(row, kinds)
		}
		_ = cw.Flush()
		return
	}
	s.fail(w, r, badParam("t", "%q: no such table; valid are %s", id, strings.Join(ids, ", ")))
}

// Options is /api/options: the values the filters take in this snapshot
// (roles and areas that hold vacancies, the dictionaries), for a client
// building its own form.
type Options struct {
	Roles           []Option `json:"roles"`
	Areas           []Option `json:"areas"` // regions, each followed by its cities
	Experience      []Option `json:"experience"`
	WorkFormats     []Option `json:"work_formats"`
	EmploymentForms []Option `json:"employment_forms"`
}

// Option is one value of a filter.
type Option struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Region bool   `json:"region,omitempty"` // an area that is a region (its cities follow it)
}

func (s *Server) handleAPIOptions(w http.ResponseWriter, r *http.Request) {
	if err := noParams(r.URL.Query()); err != nil {
		s.fail(w, r, err)
		return
	}
	fo := s.snap.Load().options()
	conv := func(os []option) []Option {
		out := make([]Option, 0, len(os))
		for _, o := range os {
			name, city := strings.CutPrefix(o.Name, "— ")
			out = append(out, Option{ID: o.ID, Name: name, Region: !city})
		}
		return out
	}
	plain := func(os []option) []Option {
		out := make([]Option, 0, len(os))
		for _, o := range os {
			out = append(out, Option{ID: o.ID, Name: o.Name})
		}
		return out
	}
	writeJSON(w, Options{
		Roles: plain(fo.roles), Areas: conv(fo.areas),
		Experience:      plain(dictOptions(analytics.ExperienceNames, analytics.ExperienceOrder, nil)),
		WorkFormats:     plain(dictOptions(analytics.WorkFormatNames, nil, nil)),
		EmploymentForms: plain(dictOptions(analytics.EmploymentFormNames, nil, nil)),
	})
}

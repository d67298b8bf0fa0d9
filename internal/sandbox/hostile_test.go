package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestHostileMode(t *testing.T) {
	e := newEnv(t, Config{Hostile: true, HostileStall: 300 * time.Millisecond, Vacancies: 1500, NoHardCells: true})
	ids := e.s.HostileIDs()
	if len(ids.Payload) != len(HostilePayloads)+2 || ids.Huge == "" || ids.Endless == "" || ids.Stalled == "" || ids.ErrorBody == "" {
		t.Fatalf("hostile ids %+v", ids)
	}
	// Payloads are in well-formed full vacancies: title, employer, area, skills.
	seen := map[string]bool{}
	for i, id := range ids.Payload {
		r := e.get("/vacancies/" + id)
		if r.code != 200 {
			t.Fatalf("payload vacancy %s: %d", id, r.code)
		}
		var v struct {
			Name      string
			Employer  struct{ Name string }
			Area      struct{ Name string }
			KeySkills []struct{ Name string } `json:"key_skills"`
		}
		if err := json.Unmarshal(r.body, &v); err != nil {
			t.Fatal(err)
		}
		if i < len(HostilePayloads) {
			p := HostilePayloads[i]
			if v.Name != p || v.Employer.Name != p || v.Area.Name != p || len(v.KeySkills) < 2 || v.KeySkills[0].Name != p {
				t.Errorf("vacancy %s does not carry payload %q: %q / %q / %q", id, p, v.Name, v.Employer.Name, v.Area.Name)
			}
			seen[p] = true
		} else if len(v.Name) < 1<<20 && len(v.Employer.Name) < 3<<20-64 {
			t.Errorf("megabyte vacancy %s: title %d bytes, employer %d bytes", id, len(v.Name), len(v.Employer.Name))
		}
	}
	if len(seen) != len(HostilePayloads) {
		t.Errorf("%d of %d payloads served", len(seen), len(HostilePayloads))
	}
	stream := func(path string, limit int64) (int64, int, error) {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, e.ts.URL+path, nil)
		req.Header.Set("User-Agent", testUA)
		req.Header.Set("Authorization", "Bearer "+e.tok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, 0, err
		}
		defer res.Body.Close()
		n, err := io.Copy(io.Discard, io.LimitReader(res.Body, limit))
		return n, res.StatusCode, err
	}
	if n, code, err := stream("/vacancies/"+ids.Huge, 1<<30); err != nil || code != 200 || n < 200<<20 || n > 201<<20 {
		t.Errorf("huge: %d bytes, %d, %v", n, code, err)
	}
	if n, _, err := stream("/vacancies/"+ids.Endless, 300<<20); err != nil || n != 300<<20 {
		t.Errorf("endless: %d bytes, %v", n, err)
	}
	if n, _, err := stream("/vacancies?text=hostile-endless", 50<<20); err != nil || n != 50<<20 {
		t.Errorf("endless search: %d bytes, %v", n, err)
	}
	start := time.Now()
	r := e.get("/vacancies/" + ids.Stalled)
	if r.code != 200 || time.Since(start) < 300*time.Millisecond || !json.Valid(r.body) {
		t.Errorf("stalled: %d after %s, valid JSON %v", r.code, time.Since(start), json.Valid(r.body))
	}
	r = e.get("/vacancies/" + ids.ErrorBody)
	if r.code != 400 || !strings.Contains(string(r.body), `\u001b`) {
		t.Errorf("error body: %d %s", r.code, r.body)
	}
	r = e.do(http.MethodPost, "/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {DefaultClientID}, "client_secret": {HostileTokenSecret}})
	if r.code != 400 || !strings.Contains(string(r.body), `\u001b]0;pwned`) {
		t.Errorf("token: %d %s", r.code, r.body)
	}
	// Normal mode is untouched.
	if (&Server{}).HostileIDs().Huge != "" {
		t.Error("ids without hostile mode")
	}
}

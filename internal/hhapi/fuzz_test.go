package hhapi

// Native fuzz targets for the decoding edges of the client: error bodies,
// search pages and vacancies, timestamps and search parameters.
//
// Seeds come from literals below (so the corpus never depends on the
// shared reference data), from ../shared/hh-api when it is present, and
// from testdata/fuzz/<Target>/ (regression inputs found by earlier runs).
//
//	go test ./internal/hhapi/ -run '^$' -fuzz '^FuzzCheckResponse$' -fuzztime 75s

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// fuzzSharedFiles returns the contents of the shared hh-api reference files
// in sub whose base name satisfies keep, or nothing when the shared data is
// absent (unlike sharedDir, it never skips: the literal seeds still run).
func fuzzSharedFiles(tb testing.TB, sub string, keep func(name string) bool) [][]byte {
	tb.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "hh-api", sub)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out [][]byte
	for _, e := range ents {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") || !keep(e.Name()) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// fuzzSampleLines returns the first n lines of the shared JSONL sample, or
// nothing when it is absent.
func fuzzSampleLines(tb testing.TB, n int) [][]byte {
	tb.Helper()
	f, err := os.Open(filepath.Join("..", "..", "..", "shared", "hh-api", "data", "vacancies_it_sample_2025.jsonl"))
	if err != nil {
		return nil
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	var out [][]byte
	for len(out) < n && sc.Scan() {
		out = append(out, bytes.Clone(sc.Bytes()))
	}
	return out
}

// Literal error bodies (copies of a few shared examples plus edge cases).
var fuzzErrorBodies = []string{
	// issue213_error_bad-gateway.json
	`{"errors":[{"type":"bad_gateway"}],"description":"Bad Gateway"}`,
	// issue98_error_depth-limit-2000.json
	"{\"errors\":\n[\n{\"type\": \"bad_argument\", \"value\": \"page\"},\n{\"type\": \"bad_argument\", \"value\": \"per_page\"}],\n\"bad_arguments\":\n[\n{\"name\": \"page, per_page\", \"description\": \"you can't look up more than 2000 items in the list\"}\n],\n\"description\": \"you can't look up more than 2000 items in the list\",\n\"bad_argument\": \"page, per_page\"}",
	// issue252_error_bad-date-argument.json
	`{"errors":[{"type":"bad_argument","value":"date_from"},{"type":"bad_argument","value":"date_to"}],"bad_arguments":[{"name":"date_from","description":"Bad Request"},{"name":"date_to","description":"Bad Request"}],"description":"Bad Request","bad_argument":"date_from"}`,
	// issue819_error_forbidden-app-token.json
	`{"description":"Forbidden","errors":[{"type":"forbidden"}],"request_id":"1711371171318898510c68179018e31e"}`,
	// issue82_error_oauth-token-expired.json
	"{\n    \"errors\": [\n        {\n            \"type\": \"oauth\", \n            \"value\": \"token_expired\"\n        }\n    ]\n}",
	// repo_error_item-captcha-required.json
	"{\n    \"type\": \"captcha_required\",\n    \"value\": \"captcha_required\",\n    \"fallback_url\": \"https://hh.ru/account/connect/register....\",\n    \"captcha_url\": \"https://hh.ru/account/captcha?state=...\"\n}",
	// repo_error_item-not-found.json
	"{\n    \"type\": \"not_found\"\n}",
	// issue869_oauth_error_token-deactivated.json
	"{ \n     \"error\": \"invalid_grant\", \n     \"error_description\": \"token deactivated\" \n}",
	// issue580_oauth_error_token-already-refreshed.json
	`{"error": "invalid_grant", "error_description": "token has already been refreshed"}`,
	// legacy and edge shapes
	`{"oauth_error":"token-expired"}`,
	`{"type":"forbidden"}`,
	`{"errors":[],"description":"multi\nline\r\ndescription","request_id":"a\nb"}`,
	`{"errors":[{"type":"bad_argument","value":"text\n","reason":"too_long_value"}]}`,
	`{"error":"invalid_request\n","error_description":"line one\nline two"}`,
	`{"errors":null}`,
	`{"errors":[{"type":1}]}`,
	`{"errors":[{"type":"bad_argument","value":"page"}`, // truncated
	`{"descr`,
	`[]`,
	`null`,
	``,
	" \r\n\t ",
	"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
	"<!DOCTYPE html>\n<html><head><title>503 Service Temporarily Unavailable</title></head><body>DDoS-Guard: checking your browser\u2026 \u041f\u043e\u0434\u043e\u0436\u0434\u0438\u0442\u0435</body></html>",
	"\xff\xfe\x00<\x00h\x00t\x00m\x00l\x00>",
	"\u041e\u0448\u0438\u0431\u043a\u0430 \u0441\u0435\u0440\u0432\u0435\u0440\u0430 \u2014 \u043f\u043e\u043f\u0440\u043e\u0431\u0443\u0439\u0442\u0435 \u043f\u043e\u0437\u0436\u0435 \u2014 \u041e\u0448\u0438\u0431\u043a\u0430 \u0441\u0435\u0440\u0432\u0435\u0440\u0430 \u2014 \u043f\u043e\u043f\u0440\u043e\u0431\u0443\u0439\u0442\u0435 \u043f\u043e\u0437\u0436\u0435 \u2014 \u041e\u0448\u0438\u0431\u043a\u0430",
}

var fuzzErrorStatuses = []int{200, 204, 301, 400, 401, 403, 404, 429, 500, 502, 503, 504}

// fuzzRequestURL is the request every fuzzed response answers; its secret
// must never reach an error message.
const fuzzRequestURL = "https://api.hh.ru/vacancies?text=go&client_secret=FUZZSECRET"

// maxErrorLen bounds an error message built from a hostile body, not
// counting the request's method and (redacted) URL, which the body does
// not control.
const maxErrorLen = 600

func addErrorSeeds(f *testing.F) {
	var bodies [][]byte
	for _, b := range fuzzErrorBodies {
		bodies = append(bodies, []byte(b))
	}
	bodies = append(bodies, fuzzSharedFiles(f, "examples", func(n string) bool { return strings.Contains(n, "error") })...)
	cts := []string{"application/json; charset=UTF-8", "text/html", ""}
	for i, b := range bodies {
		for j, st := range fuzzErrorStatuses {
			if (i+j)%3 != 0 && st != 400 && st != 502 {
				continue // a spread of statuses per body, not the full product
			}
			f.Add(st, cts[(i+j)%len(cts)], b, i%5 == 0)
		}
	}
}

// fuzzResponse builds the response to fuzz: status mapped into 200..599.
func fuzzResponse(status int, contentType string, body []byte, nilBody bool) *http.Response {
	if status < 0 {
		status = -(status + 1)
	}
	status = 200 + status%400
	req, _ := http.NewRequest(http.MethodGet, fuzzRequestURL, nil)
	h := http.Header{}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	r := &http.Response{StatusCode: status, Header: h, Request: req, Body: io.NopCloser(bytes.NewReader(body))}
	if nilBody && len(body) == 0 {
		r.Body = nil // hand-built responses in tests; the client guarantees non-nil
	}
	return r
}

// checkErrorMessage asserts the one-line, bounded, secret-free message.
func checkErrorMessage(t *testing.T, err error, body []byte) {
	t.Helper()
	msg := err.Error()
	if strings.ContainsAny(msg, "\r\n") {
		t.Errorf("Error() spans lines: %q", msg)
	}
	budget := maxErrorLen
	if e, ok := asAPI(err); ok {
		budget += len(e.Method) + len(e.URL)
	}
	if len(msg) > budget {
		t.Errorf("Error() is %d bytes (> %d): %q", len(msg), budget, msg)
	}
	if strings.Contains(msg, "FUZZSECRET") {
		t.Errorf("Error() leaks the request's secret: %q", msg)
	}
	if utf8.Valid(body) && !utf8.ValidString(msg) {
		t.Errorf("Error() is not valid UTF-8 though the body is: %q", msg)
	}
}

func FuzzCheckResponse(f *testing.F) {
	addErrorSeeds(f)
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte, nilBody bool) {
		r := fuzzResponse(status, contentType, body, nilBody)
		err := CheckResponse(r)
		switch {
		case r.StatusCode < 300:
			if err != nil {
				t.Fatalf("CheckResponse(%d) = %v, want nil", r.StatusCode, err)
			}
			return
		case err == nil:
			t.Fatalf("CheckResponse(%d) = nil, want an error", r.StatusCode)
		}
		e, ok := asAPI(err)
		if !ok {
			t.Fatalf("CheckResponse(%d) = %T, want *APIError", r.StatusCode, err)
		}
		if e.StatusCode != r.StatusCode {
			t.Errorf("StatusCode = %d, want %d", e.StatusCode, r.StatusCode)
		}
		if len(e.Body) > maxBody {
			t.Errorf("Body keeps %d bytes (> %d)", len(e.Body), maxBody)
		}
		if got := IsServerError(err); got != (r.StatusCode >= 500) {
			t.Errorf("IsServerError = %v for %d", got, r.StatusCode)
		}
		checkErrorMessage(t, err, body)
	})
}

func FuzzDecodeOAuthError(f *testing.F) {
	addErrorSeeds(f)
	f.Add(400, "application/json", []byte(`{"error":"invalid_grant","error_description":"`+strings.Repeat("x", 2000)+`"}`), false)
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte, nilBody bool) {
		r := fuzzResponse(status, contentType, body, nilBody)
		err := DecodeOAuthError(r)
		switch {
		case r.StatusCode < 300:
			if err != nil {
				t.Fatalf("DecodeOAuthError(%d) = %v, want nil", r.StatusCode, err)
			}
			return
		case err == nil:
			t.Fatalf("DecodeOAuthError(%d) = nil, want an error", r.StatusCode)
		}
		var oe *OAuthError
		if asOAuth(err, &oe) {
			if oe.Code == "" || oe.StatusCode != r.StatusCode {
				t.Errorf("OAuthError = %+v for status %d", oe, r.StatusCode)
			}
		} else if _, ok := asAPI(err); !ok {
			t.Fatalf("DecodeOAuthError = %T, want *OAuthError or *APIError", err)
		}
		checkErrorMessage(t, err, body)
	})
}

func asOAuth(err error, oe **OAuthError) bool {
	e, ok := err.(*OAuthError)
	*oe = e
	return ok
}

// Literal decoding seeds: trimmed copies of the shared search page, full
// vacancy and sample lines, and edge cases around Raw.
var fuzzPageSeeds = []string{
	`{"items":[{"id":"127610238","premium":false,"name":"QA-инженер","area":{"id":"1","name":"Москва","url":"https://api.hh.ru/areas/1"},"salary":{"from":160000,"to":null,"currency":"RUR","gross":true},"salary_range":{"from":160000,"to":null,"currency":"RUR","gross":true,"mode":{"id":"MONTH","name":"За месяц"},"frequency":null},"type":{"id":"open","name":"Открытая"},"published_at":"2025-10-09T12:01:37+0300","created_at":"2025-10-09T12:01:37+0300","archived":false,"employer":{"id":null,"name":"X","trusted":true},"snippet":{"requirement":"<highlighttext>Go</highlighttext>","responsibility":null}}],"found":1,"pages":1,"page":0,"per_page":20,"clusters":null,"arguments":null,"fixes":null,"suggests":null,"alternate_url":"https://hh.ru/search/vacancy?text=go"}`,
	`{"items":[{"id":"1"},{"id":"2","archived":"false"},null,{"id":"3","published_at":""}],"found":2001,"pages":100,"page":19,"per_page":100}`,
	`{"items":[{"id":"1", "name" : "a\u0000b\ud83d\ude00", "id":"2"}]}`,
	`{"items":[{"ID":"case"}],"found":0}`,
	`{"items":[{"id":1}]}`,
	`{"items":[{"id":"1","published_at":"2013-07-08T16:17:21+0400","archived":"1"}]`,
	`{"found":5,"items":null}`,
	`{"items":[]}`,
	`null`,
	`[]`,
	``,
}

var fuzzVacancySeeds = []string{
	`{"id":"8331228","name":"Go developer","code":null,"area":{"id":"2","name":"Санкт-Петербург","url":"https://api.hh.ru/areas/2"},"salary":null,"salary_range":null,"key_skills":[{"name":"Go"}],"languages":[{"id":"eng","name":"Английский","level":{"id":"b2","name":"B2"}}],"driver_license_types":[{"id":"B"}],"description":"<p>Hello</p>","published_at":"2013-07-08T16:17:21+0400","created_at":"2013-07-08T16:17:21+0400","initial_created_at":null,"archived":false,"approved":true,"employer":{"id":"1455","name":"HH","trusted":true},"alternate_url":"https://hh.ru/vacancy/8331228"}`,
	`{"id":"1","archived":"true","published_at":"2025-01-02T03:04:05.123456789Z"}`,
	`{"id":"1","published_at":"2025-01-02"}`,
	`{"id":"1","published_at":"yesterday"}`,
	`{"id":"x","id":"y"}`,
	`{"id":"\u0031"}`,
	`{"id":null}`,
	`null`,
	`"str"`,
	`{`,
	``,
}

func addDecodeSeeds(f *testing.F, literals []string, shared func(string) bool) {
	for _, s := range literals {
		f.Add([]byte(s))
	}
	for _, b := range fuzzSharedFiles(f, "examples", shared) {
		f.Add(b)
	}
}

// fuzzCheckRaw asserts that raw is valid JSON whose id decodes back to id.
func fuzzCheckRaw(t *testing.T, what string, raw json.RawMessage, id string, redecode func([]byte) (string, error)) {
	t.Helper()
	if !json.Valid(raw) {
		t.Fatalf("%s: Raw is not valid JSON: %q", what, raw)
	}
	got, err := redecode(raw)
	if err != nil {
		t.Fatalf("%s: re-decoding Raw %q: %v", what, raw, err)
	}
	if got != id {
		t.Fatalf("%s: re-decoded id %q, want %q (Raw %q)", what, got, id, raw)
	}
}

func FuzzDecodeSearchPage(f *testing.F) {
	addDecodeSeeds(f, fuzzPageSeeds, func(n string) bool { return strings.Contains(n, "vacancies-search-page") })
	for _, line := range fuzzSampleLines(f, 3) {
		f.Add([]byte(`{"items":[` + string(line) + `],"found":1,"pages":1,"page":0,"per_page":1}`))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var page SearchPage
		if err := json.Unmarshal(data, &page); err != nil {
			return
		}
		for i, it := range page.Items {
			fuzzCheckRaw(t, "item "+it.ID, it.Raw, it.ID, func(b []byte) (string, error) {
				var again VacancyItem
				err := json.Unmarshal(b, &again)
				if err == nil && !bytes.Equal(again.Raw, b) {
					t.Errorf("item %d: Raw of the re-decoded item differs", i)
				}
				return again.ID, err
			})
		}
		// A decoded page encodes and decodes back to the same ids.
		out, err := json.Marshal(page)
		if err != nil {
			t.Fatalf("re-encoding a decoded page: %v", err)
		}
		var back SearchPage
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("decoding the re-encoded page %s: %v", out, err)
		}
		if len(back.Items) != len(page.Items) {
			t.Fatalf("re-encoded page has %d items, want %d", len(back.Items), len(page.Items))
		}
		for i := range back.Items {
			if back.Items[i].ID != page.Items[i].ID {
				t.Fatalf("item %d: id %q after re-encoding, want %q", i, back.Items[i].ID, page.Items[i].ID)
			}
		}
	})
}

func FuzzDecodeVacancy(f *testing.F) {
	addDecodeSeeds(f, fuzzVacancySeeds, func(n string) bool { return strings.Contains(n, "vacancy-full") })
	for _, line := range fuzzSampleLines(f, 3) {
		f.Add(line) // search items decode as (partial) vacancies too
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v Vacancy
		if err := json.Unmarshal(data, &v); err != nil {
			return
		}
		fuzzCheckRaw(t, "vacancy", v.Raw, v.ID, func(b []byte) (string, error) {
			var again Vacancy
			err := json.Unmarshal(b, &again)
			return again.ID, err
		})
		// Decoded timestamps encode in hh.ru's layout and decode back to the
		// same instant (to the second: the layout has no fractions).
		for _, tm := range []Time{v.PublishedAt, v.CreatedAt, v.InitialCreatedAt} {
			b, err := json.Marshal(tm)
			if err != nil {
				t.Fatalf("marshal %v: %v", tm.Time, err)
			}
			var back Time
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("Time %s does not decode back: %v", b, err)
			}
			if !back.Equal(tm.Truncate(time.Second)) {
				t.Fatalf("Time round trip %v -> %s -> %v", tm.Time, b, back.Time)
			}
		}
	})
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{
		"2013-07-08T16:17:21+0400", "2013-07-08T16:17:21Z", "2013-07-08T16:17:21+04:00",
		"2025-01-02T03:04:05.123456789-0130", "2025-01-02T03:04:05.5Z", "2025-01-02",
		"0000-01-01T00:00:00+0000", "9999-12-31T23:59:59-2359", "0001-01-01T00:00:00Z",
		"2025-02-30", "2025-01-02T24:00:00Z", "2025-01-02T10:00:00+3", "", "null", "08.07.2013",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tm, err := ParseTime(s)
		if err != nil {
			if !tm.IsZero() {
				t.Errorf("ParseTime(%q) failed but returned %v", s, tm)
			}
			return
		}
		out := tm.Format(TimeLayout)
		back, err := ParseTime(out)
		if err != nil {
			t.Fatalf("ParseTime(%q) = %v, formatted %q, which does not parse: %v", s, tm, out, err)
		}
		// TimeLayout has no fractions: sub-second input is truncated.
		want := tm.Add(-time.Duration(tm.Nanosecond()))
		if !back.Equal(want) {
			t.Fatalf("ParseTime(%q) = %v, formatted %q, parsed back %v", s, tm, out, back)
		}
		if tm.Nanosecond() == 0 && !back.Equal(tm) {
			t.Fatalf("round trip of %q changed the instant: %v -> %v", s, tm, back)
		}
		if _, off := back.Zone(); func() int { _, o := tm.Zone(); return o }() != off {
			t.Fatalf("round trip of %q changed the offset: %v -> %v", s, tm, back)
		}
	})
}

func FuzzSearchValuesRoundTrip(f *testing.F) {
	for _, s := range []string{
		"text=go&area=1&area=2&professional_role=96&salary=100000&currency=RUR&only_with_salary=true&period=7&order_by=publication_time&no_magic=true&page=3&per_page=50",
		"text=a&text=b&date_from=2025-01-02&only_with_salary=false&metro=1.2&period=7&per_page=20",
		"date_from=2025-01-02T10%3A00%3A00%2B0300&date_to=2025-01-03T10:00:00Z&per_page=0",
		"date_from=2025-01-02T10:00:00.5%2B03:00&search_field=name&search_field=description",
		"host=hh.kz&locale=EN&label=with_address&work_format=REMOTE&employment_form=FULL&experience=noExperience",
		"salary=%2B5&page=%2007&no_magic=0&only_with_salary=1",
		"page=1&page=2", "per_page=0&per_page=5", "salary=1&salary=x", "text=&excluded_text=",
		"=x&&a", "date_from=abcdefghij", "period=-1", "salary=lots",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, query string) {
		q, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		p1, err := ParseSearchValues(q)
		if err != nil {
			return
		}
		v1 := p1.Values()
		p2, err := ParseSearchValues(v1)
		if err != nil {
			t.Fatalf("ParseSearchValues(%q) ok, but its own Values %q fail: %v", query, v1.Encode(), err)
		}
		if e1, e2 := v1.Encode(), p2.Values().Encode(); e1 != e2 {
			t.Fatalf("round trip not idempotent for %q:\n first  %s\n second %s", query, e1, e2)
		}
		// Encoding survives the wire: parsing the encoded query gives it back.
		wire, err := url.ParseQuery(v1.Encode())
		if err != nil {
			t.Fatalf("Values().Encode() %q does not parse: %v", v1.Encode(), err)
		}
		p3, err := ParseSearchValues(wire)
		if err != nil || p3.Values().Encode() != v1.Encode() {
			t.Fatalf("wire round trip of %q: %q, %v", v1.Encode(), p3.Values().Encode(), err)
		}
	})
}

// Regression tests for what the fuzz targets above found.

func TestErrorMessagesStayOneBoundedLine(t *testing.T) {
	t.Parallel()
	many := `{"errors":[` + strings.Repeat(`{"type":"bad_argument","value":"x\ny","reason":"too_long_value"},`, 500) + `{"type":"z"}]}`
	for _, body := range []string{
		`{"errors":[],"description":"multi\nline\r\ndescription","request_id":"a\nb"}`,
		`{"errors":[{"type":"bad_argument","value":"text\n","reason":"too_long_value"}]}`,
		`{"description":"` + strings.Repeat("ошибка ", 500) + `","request_id":"` + strings.Repeat("r", 5000) + `"}`,
		many,
	} {
		err := CheckResponse(fakeResponse(400, []byte(body)))
		checkErrorMessage(t, err, []byte(body))
	}
	if msg := CheckResponse(fakeResponse(400, []byte(many))).Error(); !strings.Contains(msg, "400 Bad Request: bad_argument=x y (too_long_value), bad_argument") {
		t.Errorf("Error() = %q: lost the first errors", msg)
	}
	oe := &OAuthError{StatusCode: 400, Code: "invalid_request\n", Description: "line one\nline two" + strings.Repeat("!", 1000)}
	checkErrorMessage(t, oe, nil)
	// oneLine cuts on a rune boundary.
	if s := oneLine([]byte(strings.Repeat("я", 100)), 121); !utf8.ValidString(s) || !strings.HasSuffix(s, "…") {
		t.Errorf("oneLine cut a rune: %q", s)
	}
}

func TestDecodeOAuthErrorNilBody(t *testing.T) {
	t.Parallel()
	r := fakeResponse(502, nil)
	r.Body = nil
	if _, ok := asAPI(DecodeOAuthError(r)); !ok {
		t.Errorf("DecodeOAuthError(502, nil body) is not an *APIError")
	}
}

func TestParseSearchValuesRepeatedPage(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"page=1&page=2", "per_page=0&per_page=5"} {
		q, _ := url.ParseQuery(bad)
		if p, err := ParseSearchValues(q); err == nil {
			t.Errorf("ParseSearchValues(%s) = %q, want an error", bad, p.Values().Encode())
		}
	}
}

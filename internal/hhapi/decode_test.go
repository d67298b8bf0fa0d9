package hhapi

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// sharedDir locates /work/shared (../../../shared from this package) or
// skips the test: CI has it read-only there, other checkouts may not.
func sharedDir(tb testing.TB, sub string) string {
	tb.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "hh-api", sub)
	if _, err := os.Stat(dir); err != nil {
		tb.Skipf("shared hh-api reference data not found at %s (expected next to the repo, as in CI): %v", dir, err)
	}
	return dir
}

func readShared(tb testing.TB, sub, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(sharedDir(tb, sub), name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func generic(tb testing.TB, b []byte) any {
	tb.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		tb.Fatalf("generic decode: %v", err)
	}
	return v
}

func isZeroJSON(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case float64:
		return x == 0
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		for _, e := range x {
			if !isZeroJSON(e) {
				return false
			}
		}
		return true
	}
	return false
}

// compareModelled checks that every field our types encode has the value
// of the input. A key absent from the input must encode as a zero value;
// JSON null strings may come back as "" (documented on the string fields).
func compareModelled(path string, orig, ours any, errs *[]string) {
	fail := func(format string, args ...any) {
		*errs = append(*errs, path+": "+fmt.Sprintf(format, args...))
	}
	switch o := ours.(type) {
	case map[string]any:
		om, ok := orig.(map[string]any)
		if !ok {
			fail("input %T %v, we encode an object", orig, orig)
			return
		}
		keys := make([]string, 0, len(o))
		for k := range o {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			ov, present := om[k]
			if !present {
				if !isZeroJSON(o[k]) {
					fail("key %q absent in input but encoded as %v", k, o[k])
				}
				continue
			}
			compareModelled(path+"."+k, ov, o[k], errs)
		}
	case []any:
		oa, ok := orig.([]any)
		if !ok || len(oa) != len(o) {
			fail("input %v, we encode %v", orig, o)
			return
		}
		for i := range o {
			compareModelled(fmt.Sprintf("%s[%d]", path, i), oa[i], o[i], errs)
		}
	case bool:
		// LooseBool: the 2023 docs sample has "archived": "false".
		if orig == fmt.Sprint(o) {
			return
		}
		if orig != o {
			fail("input %#v, we encode %#v", orig, o)
		}
	case string:
		if orig == nil && o == "" {
			return
		}
		if orig != o {
			fail("input %#v, we encode %#v", orig, o)
		}
	default:
		if !reflect.DeepEqual(orig, ours) {
			fail("input %#v, we encode %#v", orig, ours)
		}
	}
}

// roundTrip decodes data into a new T, re-encodes it and compares every
// modelled field with the input. It returns the decoded value.
func roundTrip[T any](t *testing.T, name string, data []byte) *T {
	t.Helper()
	v := new(T)
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: decode into %T: %v", name, v, err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%s: encode: %v", name, err)
	}
	var errs []string
	compareModelled(name, generic(t, data), generic(t, out), &errs)
	for i, e := range errs {
		if i == 20 {
			t.Errorf("… and %d more", len(errs)-20)
			break
		}
		t.Error(e)
	}
	return v
}

func checkRaw(t *testing.T, name string, raw json.RawMessage, want []byte) {
	t.Helper()
	if !bytes.Equal(raw, bytes.TrimSpace(want)) {
		t.Errorf("%s: Raw differs from the input bytes (%d vs %d bytes)", name, len(raw), len(bytes.TrimSpace(want)))
	}
}

// fakeResponse builds a response carrying body, as CheckResponse sees it.
func fakeResponse(code int, body []byte, hdr ...string) *http.Response {
	h := http.Header{}
	for i := 0; i+1 < len(hdr); i += 2 {
		h.Set(hdr[i], hdr[i+1])
	}
	req, _ := http.NewRequest(http.MethodGet, "https://api.hh.ru/vacancies?text=go&access_token=SECRET", nil)
	return &http.Response{StatusCode: code, Header: h, Body: io.NopCloser(bytes.NewReader(body)), Request: req}
}

// TestDecodeExamples decodes every stored example whose shape we model.
// Files we deliberately do not model are listed in notModelled; a new file
// in neither list fails the test.
func TestDecodeExamples(t *testing.T) {
	t.Parallel()
	dir := sharedDir(t, "examples")
	notModelled := map[string]string{
		"repo_vacancies-search-arguments.json":     "describe_arguments part: kept raw in SearchPage.Arguments",
		"repo_vacancies-search-clusters.json":      "clusters part: kept raw in SearchPage.Clusters",
		"spec_vacancy-search-keyword-suggest.json": "suggests are not used by the collector",
		"spec_locales.json":                        "locales are not used",
		"repo_employers-search-page.json":          "employer search is not used",
		"spec_employers-search-page.json":          "employer search is not used",
		"repo_oauth_app-token-response.json":       "token responses belong to the auth package",
		"repo_oauth_user-token-response.json":      "token responses belong to the auth package",
		"spec_oauth_app-token-response.json":       "token responses belong to the auth package",
		"spec_oauth_user-token-response.json":      "token responses belong to the auth package",
	}
	cases := map[string]func(t *testing.T, data []byte){}
	for _, f := range []string{"spec_vacancies-search-page_2025.json", "repo_vacancies-search-page_2023.json"} {
		cases[f] = func(t *testing.T, data []byte) {
			page := roundTrip[SearchPage](t, f, data)
			var env struct{ Items []json.RawMessage }
			json.Unmarshal(data, &env)
			if len(page.Items) == 0 || len(page.Items) != len(env.Items) {
				t.Fatalf("items = %d, want %d", len(page.Items), len(env.Items))
			}
			for i, it := range page.Items {
				checkRaw(t, fmt.Sprintf("%s item %d", f, i), it.Raw, env.Items[i])
				if it.ID == "" || it.PublishedAt.IsZero() {
					t.Errorf("item %d: id %q published %v", i, it.ID, it.PublishedAt)
				}
			}
		}
	}
	for _, f := range []string{"spec_vacancy-full-applicant-or-app_2025.json", "spec_vacancy-full-manager_2025.json", "repo_vacancy-full_2023.json",
		"repo_vacancy-full_manager-counters.json", "repo_vacancy-full_manager-only-fields.json"} {
		cases[f] = func(t *testing.T, data []byte) {
			v := roundTrip[Vacancy](t, f, data)
			checkRaw(t, f, v.Raw, data)
		}
	}
	cases["repo_vacancy-short-representation.json"] = func(t *testing.T, data []byte) {
		v := roundTrip[VacancyItem](t, "short", data)
		checkRaw(t, "short", v.Raw, data)
	}
	for _, f := range []string{"repo_areas-tree-slice.json", "spec_areas-tree-slice.json", "repo_areas-countries-slice.json", "spec_areas-countries.json"} {
		cases[f] = func(t *testing.T, data []byte) { roundTrip[[]Area](t, f, data) }
	}
	for _, f := range []string{"spec_area-item.json", "repo_area-with-prepositional-case.json"} {
		cases[f] = func(t *testing.T, data []byte) { roundTrip[Area](t, f, data) }
	}
	cases["spec_dictionaries_2025.json"] = func(t *testing.T, data []byte) {
		d := roundTrip[Dictionaries](t, "dictionaries", data)
		checkRaw(t, "dictionaries", d.Raw, data)
		if rur, ok := d.CurrencyByCode("RUR"); !ok || rur.Rate != 1 {
			t.Errorf("RUR = %+v, %v", rur, ok)
		}
	}
	for _, f := range []string{"spec_industries-slice.json", "repo_industries-slice.json"} {
		cases[f] = func(t *testing.T, data []byte) { roundTrip[[]Industry](t, f, data) }
	}
	for _, f := range []string{"spec_employer.json", "repo_employer.json"} {
		cases[f] = func(t *testing.T, data []byte) {
			e := roundTrip[Employer](t, f, data)
			checkRaw(t, f, e.Raw, data)
			if e.AreaID() != "113" || e.OpenVacancies == nil || *e.OpenVacancies != 19 {
				t.Errorf("employer = %+v", e)
			}
		}
	}
	for _, f := range []string{"repo_error_item-bad-argument.json", "repo_error_item-captcha-required.json", "repo_error_item-not-found.json"} {
		cases[f] = func(t *testing.T, data []byte) { roundTrip[ErrorItem](t, f, data) }
	}
	// Error envelopes: decoded by CheckResponse; items must round-trip.
	for _, f := range []string{"issue213_error_bad-gateway.json", "issue252_error_bad-date-argument.json", "issue819_error_forbidden-app-token.json",
		"issue819_error_oauth-bad-authorization.json", "issue82_error_oauth-token-expired.json", "issue98_error_depth-limit-2000.json",
		"repo_error_areas-bad-additional-case.json", "repo_error_envelope-shape.json", "repo_error_vacancies-duplicate.json"} {
		cases[f] = func(t *testing.T, data []byte) {
			roundTrip[errorEnvelope](t, f, data)
			err := CheckResponse(fakeResponse(400, data))
			e, ok := asAPI(err)
			if !ok || len(e.Errors) == 0 || e.Body != nil {
				t.Fatalf("CheckResponse = %#v", err)
			}
		}
	}
	// Token-endpoint errors.
	for _, f := range []string{"issue580_oauth_error_token-already-refreshed.json", "issue869_oauth_error_token-deactivated.json",
		"issue869_oauth_error_token-not-expired.json", "spec_oauth_error_account-is-locked.json", "spec_oauth_error_account-not-found.json"} {
		cases[f] = func(t *testing.T, data []byte) {
			var want struct{ Error, ErrorDescription string }
			json.Unmarshal(data, &map[string]any{})
			var m map[string]string
			json.Unmarshal(data, &m)
			want.Error, want.ErrorDescription = m["error"], m["error_description"]
			err := DecodeOAuthError(fakeResponse(400, data, "Content-Type", "application/json"))
			oe, ok := err.(*OAuthError)
			if !ok {
				t.Fatalf("DecodeOAuthError = %#v", err)
			}
			if oe.StatusCode != 400 || oe.Code != want.Error || oe.Description != want.ErrorDescription || want.Error == "" {
				t.Errorf("got %+v, want %+v", oe, want)
			}
			if !strings.Contains(oe.Error(), want.ErrorDescription) {
				t.Errorf("Error() = %q", oe.Error())
			}
		}
	}

	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".json") {
			continue
		}
		if _, skip := notModelled[name]; skip {
			continue
		}
		fn, ok := cases[name]
		if !ok {
			t.Errorf("example %s is neither decoded nor listed as not modelled", name)
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		t.Run(name, func(t *testing.T) { fn(t, data) })
	}
}

func TestDecodeRealVacancies(t *testing.T) {
	t.Parallel()
	f, err := os.Open(filepath.Join(sharedDir(t, "data"), "vacancies_it_sample_2025.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	n, withSalary, withSkills := 0, 0, 0
	for sc.Scan() {
		line := bytes.Clone(sc.Bytes())
		n++
		v := roundTrip[Vacancy](t, fmt.Sprintf("line %d", n), line)
		checkRaw(t, fmt.Sprintf("line %d", n), v.Raw, line)
		if v.ID == "" || v.Description == "" || v.PublishedAt.IsZero() || v.InitialCreatedAt.IsZero() || v.Employer == nil {
			t.Errorf("line %d: incomplete vacancy %s", n, v.ID)
		}
		if v.SalaryRange != nil {
			withSalary++
			if v.SalaryRange.Mode == nil || v.SalaryRange.Currency == "" {
				t.Errorf("line %d: salary_range %+v", n, v.SalaryRange)
			}
		}
		if len(v.KeySkills) > 0 {
			withSkills++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	// Numbers from data/INDEX.md.
	if n != 100 || withSalary != 43 || withSkills != 62 {
		t.Errorf("vacancies=%d with salary_range=%d with key_skills=%d; want 100, 43, 62", n, withSalary, withSkills)
	}
}

func TestDecodeRealDictionaries(t *testing.T) {
	t.Parallel()
	t.Run("dictionaries", func(t *testing.T) {
		data := readShared(t, "data", "dictionaries_2026-04.json")
		d := roundTrip[Dictionaries](t, "dictionaries", data)
		if len(d.Currency) != 10 || len(d.SalaryRangeMode) == 0 || len(d.SalaryRangeFrequency) == 0 || len(d.WorkFormat) == 0 || len(d.EmploymentForm) == 0 {
			t.Errorf("dictionaries incomplete: %d currencies", len(d.Currency))
		}
		usd, _ := d.CurrencyByCode("USD")
		if usd.Rate != 0.012967 {
			t.Errorf("USD rate = %v", usd.Rate)
		}
		wd, err := d.Lookup("working_days")
		if err != nil || len(wd) != 1 || wd[0].ID != "only_saturday_and_sunday" {
			t.Errorf("Lookup(working_days) = %v, %v", wd, err)
		}
		if _, err := d.Lookup("no_such_dictionary"); err == nil {
			t.Error("Lookup of unknown dictionary succeeded")
		}
	})
	t.Run("areas", func(t *testing.T) {
		data := readShared(t, "data", "areas_2026-03.json")
		areas := roundTrip[[]Area](t, "areas", data)
		flat := FlattenAreas(*areas)
		leaves, maxDepth := 0, 0
		WalkAreas(*areas, func(a *Area, depth int) error {
			if a.IsLeaf() {
				leaves++
			}
			maxDepth = max(maxDepth, depth)
			return nil
		})
		if len(*areas) != 9 || len(flat) != 15792 || leaves != 15668 || maxDepth != 2 {
			t.Errorf("roots=%d nodes=%d leaves=%d depth=%d; want 9, 15792, 15668, 2", len(*areas), len(flat), leaves, maxDepth)
		}
		if flat[0].ID != "113" || flat[0].ParentID != nil || flat[0].Areas != nil {
			t.Errorf("first node = %+v", flat[0])
		}
	})
	t.Run("roles", func(t *testing.T) {
		for _, f := range []string{"professional_roles_2024-12.json", "professional_roles_2026-02.json"} {
			c := roundTrip[RoleCatalog](t, f, readShared(t, "data", f))
			if len(c.Categories) != 27 || len(c.Roles()) != 174 {
				t.Errorf("%s: %d categories, %d roles; want 27, 174", f, len(c.Categories), len(c.Roles()))
			}
		}
	})
	t.Run("industries", func(t *testing.T) {
		ind := roundTrip[[]Industry](t, "industries", readShared(t, "data", "industries_2026-02.json"))
		subs := 0
		for _, i := range *ind {
			subs += len(i.Industries)
		}
		if len(*ind) != 30 || subs != 296 {
			t.Errorf("%d industries, %d sub-industries; want 30, 296", len(*ind), subs)
		}
	})
}

package hhapi

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// searchPageFixture builds a realistic 100-item search page from the real
// full vacancies: drops the fields search items lack and adds a snippet.
func searchPageFixture(b *testing.B) []byte {
	b.Helper()
	f, err := os.Open(filepath.Join(sharedDir(b, "data"), "vacancies_it_sample_2025.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	var items []map[string]any
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			b.Fatal(err)
		}
		for _, k := range []string{"description", "branded_description", "key_skills", "languages", "driver_license_types", "billing_type", "initial_created_at", "code"} {
			delete(m, k)
		}
		m["snippet"] = map[string]any{"requirement": "Опыт коммерческой разработки на <highlighttext>Go</highlighttext> от 3 лет.", "responsibility": "Разработка и поддержка микросервисов."}
		m["url"] = "https://api.hh.ru/vacancies/" + m["id"].(string)
		items = append(items, m)
	}
	data, err := json.Marshal(map[string]any{"found": 1234, "pages": 13, "page": 0, "per_page": 100, "items": items})
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func BenchmarkDecodeSearchPage(b *testing.B) {
	data := searchPageFixture(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var n int
	for b.Loop() {
		var p SearchPage
		if err := json.Unmarshal(data, &p); err != nil {
			b.Fatal(err)
		}
		n = len(p.Items)
	}
	if n != 100 {
		b.Fatalf("items = %d", n)
	}
	b.StopTimer()
	// allocs per vacancy, measured separately so it does not depend on b.N.
	allocs := testing.AllocsPerRun(20, func() {
		var p SearchPage
		_ = json.Unmarshal(data, &p)
	})
	b.ReportMetric(allocs/float64(n), "allocs/vacancy")
}

func BenchmarkDecodeVacancy(b *testing.B) {
	f, err := os.ReadFile(filepath.Join(sharedDir(b, "data"), "vacancies_it_sample_2025.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	line, _, _ := bytes.Cut(f, []byte("\n"))
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		var v Vacancy
		if err := json.Unmarshal(line, &v); err != nil {
			b.Fatal(err)
		}
	}
}

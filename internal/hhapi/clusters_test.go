package hhapi

import (
	"encoding/json"
	"testing"
)

func TestParseClustersExample(t *testing.T) {
	p := SearchPage{Clusters: []byte(`null`)}
	if cs, err := p.ParseClusters(); err != nil || cs != nil {
		t.Fatalf("null clusters: %v %v", cs, err)
	}
	var page SearchPage
	if err := json.Unmarshal(readShared(t, "examples", "repo_vacancies-search-clusters.json"), &page); err != nil {
		t.Fatal(err)
	}
	cs, err := page.ParseClusters()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		group, key, value string
		count             int
	}{
		{"area", "area", "1", 83285},
		{"experience", "experience", "between1And3", 39873},
		{"schedule", "schedule", "fullDay", 67101},
		{"salary", "salary", "", 51300}, // "Указана": only_with_salary, no level
	}
	for _, tt := range tests {
		g := ClusterGroup(cs, tt.group)
		if g == nil || len(g.Items) == 0 {
			t.Fatalf("group %s missing", tt.group)
		}
		if v := g.Items[0].Value(tt.key); v != tt.value || g.Items[0].Count != tt.count {
			t.Errorf("%s: first item %s=%q count %d, want %q %d", tt.group, tt.key, v, g.Items[0].Count, tt.value, tt.count)
		}
	}
	if ClusterGroup(cs, "nope") != nil {
		t.Error("unknown group found")
	}
	bad := SearchPage{Clusters: []byte(`{"id":1}`)}
	if _, err := bad.ParseClusters(); err == nil {
		t.Error("malformed clusters accepted")
	}
}

package hhapi

import (
	"encoding/json"
	"fmt"
	"net/url"
)

// Cluster is one group of a search answer's clusters (REFERENCE §6.4): the
// counts of the whole matching set by area, professional_role, experience…
type Cluster struct {
	ID    string        `json:"id"`
	Name  string        `json:"name"`
	Items []ClusterItem `json:"items"`
}

// ClusterItem is one value of a group. hh.ru gives no id: the value is the
// query parameter its url adds to the search (area=1, experience=noExperience).
type ClusterItem struct {
	Name  string `json:"name"`
	URL   string `json:"url"`
	Count int    `json:"count"`
}

// Value returns the item's value of the query parameter key ("" when its
// url does not set it).
func (it ClusterItem) Value(key string) string {
	u, err := url.Parse(it.URL)
	if err != nil {
		return ""
	}
	return u.Query().Get(key)
}

// ParseClusters decodes a search answer's clusters; nil when the answer has
// none (not asked for, or an API that does not send them).
func (p *SearchPage) ParseClusters() ([]Cluster, error) {
	if len(p.Clusters) == 0 || string(p.Clusters) == "null" {
		return nil, nil
	}
	var cs []Cluster
	if err := json.Unmarshal(p.Clusters, &cs); err != nil {
		return nil, fmt.Errorf("decode clusters: %w", err)
	}
	return cs, nil
}

// ClusterGroup returns the group with the given id, or nil.
func ClusterGroup(cs []Cluster, id string) *Cluster {
	for i := range cs {
		if cs[i].ID == id {
			return &cs[i]
		}
	}
	return nil
}

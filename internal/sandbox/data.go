package sandbox

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"sync"
)

// Real hh.ru reference data (see /work/shared/hh-api/data/INDEX.md for the
// provenance of each file). The large files are stored gzip-compressed.
//
//go:embed data/*
var dataFS embed.FS

func readData(name string) ([]byte, error) {
	b, err := dataFS.ReadFile("data/" + name)
	if err != nil {
		return nil, err
	}
	if len(name) > 3 && name[len(name)-3:] == ".gz" {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("sandbox: %s: %w", name, err)
		}
		defer zr.Close()
		return io.ReadAll(zr)
	}
	return b, nil
}

// areaNode mirrors one node of GET /areas; the field order is the API's
// (id, parent_id, name, areas, utc_offset, lat, lng).
type areaNode struct {
	ID        string      `json:"id"`
	ParentID  *string     `json:"parent_id"`
	Name      string      `json:"name"`
	Areas     []*areaNode `json:"areas"`
	UTCOffset *string     `json:"utc_offset,omitempty"`
	Lat       *float64    `json:"lat,omitempty"`
	Lng       *float64    `json:"lng,omitempty"`

	// pre-order interval: a node's subtree is [pre, post).
	pre, post int32
	parent    *areaNode
}

type idName struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type roleJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type currency struct {
	Code string  `json:"code"`
	Rate float64 `json:"rate"`
}

// refData is the parsed, immutable reference data shared by all servers.
type refData struct {
	areasRaw, dictRaw, industriesRaw, rolesRaw []byte
	areasSt, dictSt, industriesSt, rolesSt     static

	areaRoots []*areaNode
	areas     map[string]*areaNode
	countries []countryJSON

	dict      map[string][]idName // generic {id,name} dictionaries
	currency  map[string]float64  // code -> rate (units per 1 RUR)
	roles     map[string]string   // role id -> name
	roleOrder []string            // distinct role ids, catalogue order
	industry  map[string]string   // industry id (top "7" or sub "7.540") -> name
	subInds   []idName            // all sub-industries

	samples []map[string]json.RawMessage // real full vacancies (IT, Moscow)
}

type countryJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

var (
	refOnce sync.Once
	refVal  *refData
	refErr  error
)

func loadRef() (*refData, error) {
	refOnce.Do(func() { refVal, refErr = parseRef() })
	return refVal, refErr
}

func parseRef() (*refData, error) {
	r := &refData{}
	var err error
	if r.areasRaw, err = readData("areas_2026-03.json.gz"); err != nil {
		return nil, err
	}
	if r.dictRaw, err = readData("dictionaries_2026-04.json"); err != nil {
		return nil, err
	}
	if r.industriesRaw, err = readData("industries_2026-02.json"); err != nil {
		return nil, err
	}
	if r.rolesRaw, err = readData("professional_roles_2024-12.json"); err != nil {
		return nil, err
	}
	r.areasSt.raw, r.dictSt.raw, r.industriesSt.raw, r.rolesSt.raw = r.areasRaw, r.dictRaw, r.industriesRaw, r.rolesRaw
	// areas
	if err := json.Unmarshal(r.areasRaw, &r.areaRoots); err != nil {
		return nil, fmt.Errorf("sandbox: areas: %w", err)
	}
	r.areas = make(map[string]*areaNode, 16000)
	var n int32
	var walk func(p, a *areaNode)
	walk = func(p, a *areaNode) {
		a.parent = p
		a.pre = n
		n++
		r.areas[a.ID] = a
		for _, c := range a.Areas {
			walk(a, c)
		}
		a.post = n
	}
	for _, a := range r.areaRoots {
		walk(nil, a)
	}
	for _, a := range r.areaRoots {
		if a.ID == "1001" { // "Другие регионы": its children are countries
			for _, c := range a.Areas {
				r.countries = append(r.countries, countryJSON{c.ID, c.Name, apiBase + "/areas/" + c.ID})
			}
			continue
		}
		r.countries = append(r.countries, countryJSON{a.ID, a.Name, apiBase + "/areas/" + a.ID})
	}
	// dictionaries
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(r.dictRaw, &raw); err != nil {
		return nil, fmt.Errorf("sandbox: dictionaries: %w", err)
	}
	r.dict = make(map[string][]idName)
	for k, v := range raw {
		var items []idName
		if json.Unmarshal(v, &items) == nil {
			r.dict[k] = items
		}
	}
	var curs []currency
	if err := json.Unmarshal(raw["currency"], &curs); err != nil {
		return nil, fmt.Errorf("sandbox: currency: %w", err)
	}
	r.currency = make(map[string]float64)
	for _, c := range curs {
		r.currency[c.Code] = c.Rate
	}
	// roles
	var roles struct {
		Categories []struct {
			ID    string     `json:"id"`
			Roles []roleJSON `json:"roles"`
		} `json:"categories"`
	}
	if err := json.Unmarshal(r.rolesRaw, &roles); err != nil {
		return nil, fmt.Errorf("sandbox: roles: %w", err)
	}
	r.roles = make(map[string]string)
	for _, c := range roles.Categories {
		for _, ro := range c.Roles {
			if _, ok := r.roles[ro.ID]; !ok {
				r.roleOrder = append(r.roleOrder, ro.ID)
			}
			r.roles[ro.ID] = ro.Name
		}
	}
	// industries
	var inds []struct {
		ID         string   `json:"id"`
		Name       string   `json:"name"`
		Industries []idName `json:"industries"`
	}
	if err := json.Unmarshal(r.industriesRaw, &inds); err != nil {
		return nil, fmt.Errorf("sandbox: industries: %w", err)
	}
	r.industry = make(map[string]string)
	for _, i := range inds {
		r.industry[i.ID] = i.Name
		for _, s := range i.Industries {
			r.industry[s.ID] = s.Name
			r.subInds = append(r.subInds, s)
		}
	}
	// sample vacancies
	vb, err := readData("vacancies_it_sample_2025.jsonl.gz")
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(bytes.NewReader(vb))
	sc.Buffer(make([]byte, 1<<20), 8<<20)
	for sc.Scan() {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			return nil, fmt.Errorf("sandbox: sample vacancy: %w", err)
		}
		r.samples = append(r.samples, m)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return r, nil
}

// dictName returns the name of id in dictionary dict ("" if unknown).
func (r *refData) dictName(dict, id string) string {
	for _, it := range r.dict[dict] {
		if it.ID == id {
			return it.Name
		}
	}
	return ""
}

func (r *refData) dictHas(dict, id string) bool {
	for _, it := range r.dict[dict] {
		if it.ID == id {
			return true
		}
	}
	return false
}

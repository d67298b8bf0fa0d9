package analytics

import "encoding/json"

// A share of nothing is null in JSON, never 0 (docs/stats-json.md): these
// marshalers override the share fields of an empty base and keep the rest.

func shareOrNull(share float64, base int) *float64 {
	if base == 0 {
		return nil
	}
	return &share
}

// MarshalJSON writes disclosure_share null for a group without vacancies.
func (g GroupStats) MarshalJSON() ([]byte, error) {
	type plain GroupStats
	return json.Marshal(struct {
		plain
		DisclosureShare *float64 `json:"disclosure_share"`
	}{plain(g), shareOrNull(g.DisclosureShare, g.Vacancies)})
}

// MarshalJSON writes disclosure_share null when there are no vacancies.
func (m SalaryMix) MarshalJSON() ([]byte, error) {
	type plain SalaryMix
	return json.Marshal(struct {
		plain
		DisclosureShare *float64 `json:"disclosure_share"`
	}{plain(m), shareOrNull(m.DisclosureShare, m.Vacancies)})
}

// MarshalJSON writes the work-format shares null for a period without a base.
func (p Period) MarshalJSON() ([]byte, error) {
	type plain Period
	return json.Marshal(struct {
		plain
		RemoteShare *float64 `json:"remote_share"`
		HybridShare *float64 `json:"hybrid_share"`
	}{plain(p), shareOrNull(p.RemoteShare, p.WorkFormatBase), shareOrNull(p.HybridShare, p.WorkFormatBase)})
}

// MarshalJSON writes premium null for a skill without a premium base.
func (s SkillStat) MarshalJSON() ([]byte, error) {
	type plain SkillStat
	var p *float64
	if s.PremiumBase > 0 {
		p = &s.Premium
	}
	return json.Marshal(struct {
		plain
		Premium *float64 `json:"premium"`
	}{plain(s), p})
}

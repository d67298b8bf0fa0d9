package analytics

import "sort"

// Obs is one subject of a survival analysis: T is the time observed (days);
// Event is true when the end (closing) was seen, false when censored (still
// open when last seen).
type Obs struct {
	T     float64
	Event bool
}

// KMPoint is one step of a Kaplan-Meier curve: S is the survival probability
// just after time T; AtRisk and Events are the counts at T.
type KMPoint struct {
	T        float64 `json:"t"`
	S        float64 `json:"s"`
	AtRisk   int     `json:"at_risk"`
	Events   int     `json:"events"`
	Censored int     `json:"censored"`
}

// KM is a Kaplan-Meier estimate.
type KM struct {
	N        int       `json:"n"`
	Events   int       `json:"events"`
	Censored int       `json:"censored"`
	Curve    []KMPoint `json:"curve"` // one point per distinct time with an event or a censoring
	// Median is the smallest time at which S ≤ 0.5; MedianReached is false
	// (and Median 0) when the curve never gets there.
	Median        float64 `json:"median"`
	MedianReached bool    `json:"median_reached"`
}

// KaplanMeier estimates the survival function of obs (which it sorts):
// S(t) = Π over event times tᵢ ≤ t of (1 − dᵢ/nᵢ), where nᵢ counts the subjects
// still at risk just before tᵢ and dᵢ the events at tᵢ. Subjects censored at
// tᵢ count as at risk at tᵢ (events come before censorings at equal times).
func KaplanMeier(obs []Obs) KM {
	sort.Slice(obs, func(i, j int) bool { return obs[i].T < obs[j].T })
	km := KM{N: len(obs)}
	s := 1.0
	atRisk := len(obs)
	for i := 0; i < len(obs); {
		t := obs[i].T
		d, c := 0, 0
		for i < len(obs) && obs[i].T == t {
			if obs[i].Event {
				d++
			} else {
				c++
			}
			i++
		}
		if d > 0 {
			s *= 1 - float64(d)/float64(atRisk)
		}
		km.Curve = append(km.Curve, KMPoint{T: t, S: s, AtRisk: atRisk, Events: d, Censored: c})
		km.Events += d
		km.Censored += c
		if !km.MedianReached && s <= 0.5 {
			km.Median, km.MedianReached = t, true
		}
		atRisk -= d + c
	}
	return km
}

// At returns S(t) of the curve (1 before the first step).
func (k KM) At(t float64) float64 {
	i := sort.Search(len(k.Curve), func(i int) bool { return k.Curve[i].T > t })
	if i == 0 {
		return 1
	}
	return k.Curve[i-1].S
}

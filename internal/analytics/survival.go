package analytics

import (
	"math"
	"sort"
)

// Subject is one subject of a survival analysis with delayed entry (left
// truncation) and right censoring — R survival's Surv(entry, exit, event).
// Times are days since the subject's start. The subject is known to be alive
// at Entry (it was first observed then: anything that ended before Entry could
// not have been observed at all) and is followed until Exit, which is its end
// when Event is true, or the last time it was seen alive (censored) when not.
type Subject struct {
	Entry float64
	Exit  float64
	Event bool
}

// Obs is a subject observed from time 0: T is the time observed (days);
// Event is true when the end (closing) was seen, false when censored.
type Obs struct {
	T     float64
	Event bool
}

// KMPoint is one step of a Kaplan-Meier curve: S is the survival probability
// just after time T; AtRisk and Events are the counts at T; Greenwood is the
// running sum Σ dᵢ/(nᵢ(nᵢ−dᵢ)) over event times ≤ T, so that Greenwood's
// variance of S(T) is S(T)²·Greenwood.
type KMPoint struct {
	T         float64 `json:"t"`
	S         float64 `json:"s"`
	AtRisk    int     `json:"at_risk"`
	Events    int     `json:"events"`
	Censored  int     `json:"censored"`
	Greenwood float64 `json:"-"`
}

// MedianTol is the tolerance of the median's S ≤ ½ test. A product of
// factors (1 − d/n) that is exactly ½ in exact arithmetic (24 closures on
// days 1…24: S(12) = 12/24) can land a few ulps above ½ in floating point; without
// the tolerance the median would move to the next event time (13 instead of 12).
const MedianTol = 1e-9

// KM is a Kaplan-Meier estimate.
type KM struct {
	N        int       `json:"n"`        // subjects
	Events   int       `json:"events"`   // events that entered the estimate
	Censored int       `json:"censored"` // censored subjects
	Dropped  int       `json:"dropped"`  // events at or before their entry: never at risk (inconsistent data)
	Curve    []KMPoint `json:"curve"`    // one point per distinct exit time (event or censoring)
	// Median is the smallest time t with S(t) ≤ ½ + MedianTol (the "smallest
	// t" convention; R's survfit would report the midpoint of a flat stretch
	// exactly at ½ instead). MedianReached is false (and Median 0) when the
	// curve never gets there. MedianAtRisk is the risk set at the median.
	Median        float64 `json:"median"`
	MedianReached bool    `json:"median_reached"`
	MedianAtRisk  int     `json:"median_at_risk"`
	// CILow and CIHigh are the 95 % confidence interval of the median
	// (Brookmeyer-Crowley, see KaplanMeierLT); CIHighOK is false when the
	// upper limit is beyond the last observation.
	CILow    float64 `json:"ci_low"`
	CILowOK  bool    `json:"ci_low_ok"`
	CIHigh   float64 `json:"ci_high"`
	CIHighOK bool    `json:"ci_high_ok"`
}

// KaplanMeier estimates the survival function of subjects all observed from
// time 0 on (every subject at risk from the start, even for events at 0).
// Only tests call it, as the textbook form the left-truncated estimator must
// reduce to.
func KaplanMeier(obs []Obs) KM {
	subj := make([]Subject, len(obs))
	for i, o := range obs {
		subj[i] = Subject{Entry: math.Inf(-1), Exit: o.T, Event: o.Event}
	}
	return KaplanMeierLT(subj)
}

// z95 is the standard normal quantile of 0.975.
const z95 = 1.959963984540054

// KaplanMeierLT is the product-limit estimator with delayed entry and right
// censoring (Klein & Moeschberger 2003, §4.6; R: survfit(Surv(entry, exit,
// event) ~ 1)):
//
//	S(t) = Π over event times tᵢ ≤ t of (1 − dᵢ/nᵢ),
//	nᵢ = #{j : entryⱼ < tᵢ ≤ exitⱼ},
//
// dᵢ being the events at tᵢ. Conventions at equal times: a subject censored
// at tᵢ is at risk at tᵢ (events come before censorings); a subject entering
// at tᵢ is not (it is at risk only for events after its entry, as in R).
//
// The 95 % interval of the median is Brookmeyer & Crowley's (1982): the set
// of t where the pointwise test of S(t) = ½ is not rejected, computed on the
// log(−log S) scale (Kalbfleisch-Prentice) with Greenwood's variance:
// se(log(−log S)) = √(Σ dᵢ/(nᵢ(nᵢ−dᵢ))) / |log S|, the pointwise band
// S^exp(±1.96·se); the low end is the first t where the lower band reaches ½,
// the high end the first t where the upper band does (as R's quantile() of a
// survfit with conf.type = "log-log").
//
// The sections estimate from their kmSample directly (no list of subjects
// to copy); this form of a list of subjects is the one tests hold the
// sample's estimate to (deadcode lists it).
func KaplanMeierLT(subj []Subject) KM {
	k := kmSample{entries: make([]float64, 0, len(subj))}
	for _, s := range subj {
		k.add(s)
	}
	return k.estimate(true)
}

// kmSample is what the product-limit estimate reads of its subjects: the
// entries of those at risk at some time, their exits split into events and
// censorings, and the counts. The estimate sorts each slice and only counts
// equal times, so the order of the subjects does not matter: samples merge
// by appending, and plain float64 slices sort by radix (sortFloats), several
// times cheaper than sorting Subjects by a comparison function.
type kmSample struct {
	entries, events, censored []float64
	n, censoredN, dropped     int
	sorted                    bool // the slices are in ascending order already (fed from a ColumnStore)
}

func (k *kmSample) add(s Subject) {
	k.n++
	if !s.Event {
		k.censoredN++
	}
	if s.Exit <= s.Entry {
		// Never at risk: seen once and still open (no information), or an
		// end before the entry (inconsistent data).
		if s.Event {
			k.dropped++
		}
		return
	}
	k.entries = append(k.entries, s.Entry)
	if s.Event {
		k.events = append(k.events, s.Exit)
	} else {
		k.censored = append(k.censored, s.Exit)
	}
}

func (k *kmSample) merge(b *kmSample) {
	k.entries = append(k.entries, b.entries...)
	k.events = append(k.events, b.events...)
	k.censored = append(k.censored, b.censored...)
	k.n += b.n
	k.censoredN += b.censoredN
	k.dropped += b.dropped
}

// estimate is KaplanMeierLT of the sample; it sorts the sample's slices in
// place. Without curve, KM.Curve stays nil (a group's summary needs only the
// median and its interval).
func (k *kmSample) estimate(curve bool) KM {
	km := KM{N: k.n, Censored: k.censoredN, Dropped: k.dropped}
	entries, events, censored := k.entries, k.events, k.censored
	if !k.sorted {
		buf := sortFloats(entries, nil)
		buf = sortFloats(events, buf)
		sortFloats(censored, buf)
	}
	if curve && len(events)+len(censored) > 0 {
		// At most one point per exit: growing the curve by appending would
		// copy it over and over.
		km.Curve = make([]KMPoint, 0, len(events)+len(censored))
	}
	s, gw := 1.0, 0.0
	ie, iv, ic := 0, 0, 0 // entries, events and censorings before t
	for iv < len(events) || ic < len(censored) {
		t := nextExit(events, iv, censored, ic)
		for ie < len(entries) && entries[ie] < t {
			ie++
		}
		n := ie - iv - ic
		d, c := 0, 0
		for iv < len(events) && events[iv] == t {
			d++
			iv++
		}
		for ic < len(censored) && censored[ic] == t {
			c++
			ic++
		}
		if d > 0 {
			s *= 1 - float64(d)/float64(n)
			if n > d {
				gw += float64(d) / float64(n*(n-d))
			} else {
				gw = math.Inf(1)
			}
		}
		if curve {
			km.Curve = append(km.Curve, KMPoint{T: t, S: s, AtRisk: n, Events: d, Censored: c, Greenwood: gw})
		}
		km.Events += d
		if !km.MedianReached && s <= 0.5+MedianTol {
			km.Median, km.MedianReached, km.MedianAtRisk = t, true, n
		}
		// The band's powers are the costliest part of the walk: they are
		// needed only until both ends of the interval are found, and only
		// where S moved (at a time with censorings alone S and Greenwood's
		// sum are those of the time before, whose band did not reach ½ —
		// or 1 and 0 before the first event, a band of [1, 1]).
		if d > 0 && (!km.CILowOK || !km.CIHighOK) {
			lo, hi := bandReachesHalf(s, gw)
			if !km.CILowOK && lo {
				km.CILow, km.CILowOK = t, true
			}
			if !km.CIHighOK && hi {
				km.CIHigh, km.CIHighOK = t, true
			}
		}
	}
	return km
}

// nextExit is the earliest of the next event and the next censoring.
func nextExit(events []float64, iv int, censored []float64, ic int) float64 {
	switch {
	case iv == len(events):
		return censored[ic]
	case ic == len(censored):
		return events[iv]
	}
	return min(events[iv], censored[ic])
}

// At returns S(t) of the curve (1 before the first step).
func (k KM) At(t float64) float64 {
	i := sort.Search(len(k.Curve), func(i int) bool { return k.Curve[i].T > t })
	if i == 0 {
		return 1
	}
	return k.Curve[i-1].S
}

// AtRiskAt returns the risk set of the last curve step at or before t (0 before the first).
func (k KM) AtRiskAt(t float64) int {
	i := sort.Search(len(k.Curve), func(i int) bool { return k.Curve[i].T > t })
	if i == 0 {
		return 0
	}
	return k.Curve[i-1].AtRisk
}

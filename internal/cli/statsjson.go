package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/filter"
	"github.com/hhjobs/hhjobs/internal/store"
)

// Parameters of a stats request beyond the filters (flags of `stats`, query
// parameters of /api/stats).
const (
	paramBy            = "by"
	paramBasis         = "basis"
	paramUnique        = "unique-postings"
	paramMinNMedian    = "min-n-median"
	paramMinNQuartiles = "min-n-quartiles"
)

// StatsParams are the parameters of /api/stats besides the filters.
var StatsParams = []string{paramBy, paramBasis, paramUnique, paramMinNMedian, paramMinNQuartiles}

// statsRequest is a parsed stats request.
type statsRequest struct {
	dims  []analytics.Dim
	spec  filter.Spec
	net   bool
	uniq  bool
	small analytics.Thresholds
}

// parseStatsRequest reads by, basis and the filters from v; a bad value is
// a *filter.ParamError naming the parameter.
func parseStatsRequest(v url.Values) (statsRequest, error) {
	var r statsRequest
	by, ok := v[paramBy]
	if !ok {
		by = []string{string(analytics.DimRole)}
	}
	dims, err := analytics.ParseDims(by)
	if err != nil {
		return r, &filter.ParamError{Param: paramBy, Msg: err.Error()}
	}
	if len(dims) == 0 {
		return r, &filter.ParamError{Param: paramBy, Msg: "needs one of: " + analytics.DimList()}
	}
	r.dims = dims
	switch b := strings.ToLower(v.Get(paramBasis)); b {
	case "", "gross":
	case "net":
		r.net = true
	default:
		return r, &filter.ParamError{Param: paramBasis, Msg: fmt.Sprintf("%q: want gross or net", b)}
	}
	switch u := strings.ToLower(v.Get(paramUnique)); u {
	case "", "false", "0":
	case "true", "1":
		r.uniq = true
	default:
		return r, &filter.ParamError{Param: paramUnique, Msg: fmt.Sprintf("%q: want true or false", u)}
	}
	r.small = analytics.Thresholds{MinNMedian: analytics.DefaultMinNMedian, MinNQuartiles: analytics.DefaultMinNQuartiles}
	for _, p := range []struct {
		name string
		dst  *int
	}{{paramMinNMedian, &r.small.MinNMedian}, {paramMinNQuartiles, &r.small.MinNQuartiles}} {
		if raw := v.Get(p.name); raw != "" {
			n, err := strconv.Atoi(raw)
			if err != nil || n < 1 {
				return r, &filter.ParamError{Param: p.name, Msg: fmt.Sprintf("%q: want a number of salaries ≥ 1", raw)}
			}
			*p.dst = n
		}
	}
	r.spec, err = filter.Parse(v)
	return r, err
}

// computeStats is the one computation behind `stats` and /api/stats: the
// same values give the same StatsJSON from either.
func computeStats(ctx context.Context, st store.Store, v url.Values, now time.Time) (*StatsJSON, []analytics.Dim, error) {
	r, err := parseStatsRequest(v)
	if err != nil {
		return nil, nil, err
	}
	flt, err := filter.Resolve(ctx, st, r.spec)
	if err != nil {
		return nil, nil, err
	}
	res, err := analytics.Compute(ctx, flt.Wrap(st), analytics.Config{
		Filter: flt.StoreFilter(), Options: analytics.Options{Net: r.net}, Groupings: [][]analytics.Dim{r.dims}, GroupsOnly: true, Now: now,
		Small: r.small, UniquePostings: r.uniq,
	})
	if err != nil {
		return nil, nil, err
	}
	out := &StatsJSON{Query: r.spec.Query, Result: res, Open: r.spec.Open}
	if !flt.Since.IsZero() {
		out.Since = &flt.Since
	}
	if fv := r.spec.Values(); len(fv) > 0 {
		out.Filters = fv
	}
	return out, r.dims, nil
}

// StatsJSONBytes is what `hhjobs stats --json` prints for the parameters v
// (by, basis and the filters of internal/filter): the dashboard's
// /api/stats serves exactly these bytes.
func StatsJSONBytes(ctx context.Context, st store.Store, v url.Values, now time.Time) ([]byte, error) {
	out, _, err := computeStats(ctx, st, v, now)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

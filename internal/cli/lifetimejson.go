package cli

import (
	"bytes"
	"context"
	"net/url"
	"time"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/filter"
	"github.com/hhjobs/hhjobs/internal/store"
)

// LifetimeParams are the parameters of /api/lifetime besides the filters
// (`stats --lifetime` reads no salary, so basis and thresholds do not apply).
var LifetimeParams = []string{paramBy}

// LifetimeJSONBytes is what `hhjobs stats --lifetime --json` prints for the
// parameters v (by and the filters): the dashboard's /api/lifetime serves
// exactly these bytes, so the two cannot drift apart.
func LifetimeJSONBytes(ctx context.Context, st store.Store, v url.Values, now time.Time) ([]byte, error) {
	r, err := parseStatsRequest(v)
	if err != nil {
		return nil, err
	}
	flt, err := filter.Resolve(ctx, st, r.spec)
	if err != nil {
		return nil, err
	}
	sf := flt.StoreFilter()
	res, err := analytics.ComputeLifetime(ctx, flt.Wrap(st), analytics.LifetimeConfig{Filter: sf, By: r.dims})
	if err != nil {
		return nil, err
	}
	h := statsHead{GeneratedAt: now.UTC().Truncate(time.Second), Query: r.spec.Values().Get(filter.ParamQuery)}
	if !sf.Since.IsZero() {
		h.Since = &sf.Since
	}
	var buf bytes.Buffer
	if err := printJSON(&buf, LifetimeJSON{statsHead: h, LifetimeStats: res}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

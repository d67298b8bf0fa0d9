package cli

import (
	"context"
	"errors"
	"net/url"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/hhjobs/hhjobs/internal/filter"
	"github.com/hhjobs/hhjobs/internal/store"
)

// FilterFlags are the flags of the one filter language (internal/filter),
// shared by stats, report and export: --role, --experience, --area,
// --work-format, --employment-form, --employer, --since, --until, --open,
// --query. They become the same url.Values the dashboard reads from its
// URL, and filter.Parse reads both.
type FilterFlags struct {
	lists map[string]*[]string
	one   map[string]*string
	Open  bool
}

// addFilterFlags registers the filter flags on cmd.
func addFilterFlags(cmd *cobra.Command) *FilterFlags {
	ff := &FilterFlags{lists: map[string]*[]string{}, one: map[string]*string{}}
	for _, p := range filter.Params {
		switch p {
		case filter.ParamOpen:
			cmd.Flags().BoolVar(&ff.Open, p, false, filter.Usage[p])
		case filter.ParamSince, filter.ParamUntil, filter.ParamQuery:
			ff.one[p] = new(string)
			cmd.Flags().StringVar(ff.one[p], p, "", filter.Usage[p])
		default:
			ff.lists[p] = new([]string)
			cmd.Flags().StringSliceVar(ff.lists[p], p, nil, filter.Usage[p])
		}
	}
	return ff
}

// Values gives the flags as the query parameters of the same filter.
func (ff *FilterFlags) Values() url.Values {
	v := url.Values{}
	if ff == nil {
		return v
	}
	for k, p := range ff.lists {
		if len(*p) > 0 {
			v[k] = append([]string(nil), *p...)
		}
	}
	for k, p := range ff.one {
		if *p != "" {
			v.Set(k, *p)
		}
	}
	if ff.Open {
		v.Set(filter.ParamOpen, strconv.FormatBool(ff.Open))
	}
	return v
}

// asFlagError turns a bad filter parameter into a usage error naming the flag.
func asFlagError(err error) error {
	var pe *filter.ParamError
	if errors.As(err, &pe) {
		return usageErrorf("--%s: %s", pe.Param, pe.Msg)
	}
	return err
}

// parseFilterFlags checks the filter flags before any database is opened.
func parseFilterFlags(ff *FilterFlags) (filter.Spec, error) {
	s, err := filter.Parse(ff.Values())
	return s, asFlagError(err)
}

// resolveFilter resolves parsed filter flags against the store.
func resolveFilter(ctx context.Context, st store.Store, s filter.Spec) (*filter.Filter, error) {
	f, err := filter.Resolve(ctx, st, s)
	return f, asFlagError(err)
}

// addSalaryFlags declares --net and --basis, the salary basis shared by every
// command that shows salaries (stats, report, export), next to the filter
// flags; salaryBasis (basis.go) reads them. prefix starts --net's help (export
// names the column it changes).
func addSalaryFlags(cmd *cobra.Command, net *bool, basis *string, prefix string) {
	cmd.Flags().BoolVar(net, "net", false, prefix+netHelp)
	addBasisFlag(cmd, basis)
}

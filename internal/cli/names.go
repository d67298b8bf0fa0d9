package cli

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/hhjobs/hhjobs/internal/harvest"
	"github.com/hhjobs/hhjobs/internal/hhapi"
	"github.com/hhjobs/hhjobs/internal/httpx"
	"github.com/hhjobs/hhjobs/internal/store"
)

// NewCmdAreas builds `hhjobs areas [SEARCH]`.
func NewCmdAreas(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "areas [SEARCH]",
		Short: "List area ids and names (all, or those matching SEARCH); names work in --area too",
		Example: `  hhjobs areas москва
  hhjobs collect --area Москва --role 96`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runNames(cmd.Context(), f, "area", strings.Join(args, " "))
		},
	}
}

// NewCmdRoles builds `hhjobs roles [SEARCH]`.
func NewCmdRoles(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "roles [SEARCH]",
		Short: "List professional role ids and names (all, or those matching SEARCH); names work in --role too",
		Example: `  hhjobs roles подбор
  hhjobs collect --role 'Специалист по подбору персонала' --area 1`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runNames(cmd.Context(), f, "role", strings.Join(args, " "))
		},
	}
}

// nameRow is one listed area or role.
type nameRow struct{ id, name, in string }

func runNames(ctx context.Context, f *Factory, kind, search string) error {
	st, err := f.Store(ctx)
	if err != nil {
		return err
	}
	rows, err := nameRows(ctx, st, kind)
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		// Reference data is anonymous on hh.ru: no token needed.
		if err := f.Settings.requireUserAgent(); err != nil {
			return err
		}
		api, err := f.anonAPI()
		if err != nil {
			return err
		}
		if err := harvest.EnsureReference(ctx, api, st, f.Now()); err != nil {
			return err
		}
		if rows, err = nameRows(ctx, st, kind); err != nil {
			return err
		}
	}
	match := matchNames(rows, search)
	if len(match) == 0 {
		names := make(map[string]string, len(rows))
		for _, r := range rows {
			names[r.id] = r.name
		}
		return &harvest.UnknownIDError{Kind: kind, ID: search, Nearest: harvest.Nearest(search, names)}
	}
	tw := tabwriter.NewWriter(f.IO.Out, 2, 4, 2, ' ', 0)
	head := "IN"
	if kind == "role" {
		head = "CATEGORY"
	}
	fmt.Fprintf(tw, "ID\tNAME\t%s\n", head)
	for _, r := range match {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.id, r.name, r.in)
	}
	return tw.Flush()
}

func nameRows(ctx context.Context, st store.Store, kind string) ([]nameRow, error) {
	var rows []nameRow
	if kind == "area" {
		areas, err := st.Areas(ctx)
		if err != nil {
			return nil, err
		}
		names := make(map[string]string, len(areas))
		for _, a := range areas {
			names[a.ID] = a.Name
		}
		for _, a := range areas {
			rows = append(rows, nameRow{a.ID, a.Name, names[a.ParentID]})
		}
	} else {
		roles, err := st.Roles(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range roles {
			name := r.Name
			if r.SearchDeprecated {
				name += " (deprecated for search)"
			}
			rows = append(rows, nameRow{r.ID, name, r.CategoryName})
		}
	}
	return rows, nil
}

// matchNames keeps the rows whose id is search, or whose name contains it
// (case and ё folded): exact names first, then names starting with it.
func matchNames(rows []nameRow, search string) []nameRow {
	if strings.TrimSpace(search) == "" {
		return rows
	}
	f := harvest.Fold(search)
	rank := func(r nameRow) int {
		n := harvest.Fold(r.name)
		switch {
		case r.id == strings.TrimSpace(search), n == f:
			return 0
		case strings.HasPrefix(n, f):
			return 1
		case strings.Contains(n, f):
			return 2
		}
		return -1
	}
	var out []nameRow
	for _, r := range rows {
		if rank(r) >= 0 {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return rank(out[i]) < rank(out[j]) })
	return out
}

// anonAPI is an hh.ru client without a token, for the reference data
// (areas, roles, dictionaries), which hh.ru serves to anyone.
func (f *Factory) anonAPI() (*hhapi.Client, error) {
	api, err := harvest.Client{APIBase: f.Settings.APIBase, UserAgent: f.Settings.UserAgent, RPS: 4, Log: f.debugLog()}.NewAPI(nil)
	if errors.Is(err, httpx.ErrNoUserAgent) {
		return nil, &UsageError{Err: err}
	}
	return api, err
}

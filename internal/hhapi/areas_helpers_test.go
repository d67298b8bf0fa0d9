package hhapi

// Tree helpers only tests use (the store flattens the areas tree itself when
// it saves it); in a _test.go file of package hhapi so that the external
// tests (package hhapi_test) see them too.

// WalkAreas calls fn for every node of the forest in pre-order with its
// depth (0 for roots). A non-nil error from fn stops the walk and is
// returned.
func WalkAreas(roots []Area, fn func(a *Area, depth int) error) error {
	var walk func(as []Area, depth int) error
	walk = func(as []Area, depth int) error {
		for i := range as {
			if err := fn(&as[i], depth); err != nil {
				return err
			}
			if err := walk(as[i].Areas, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(roots, 0)
}

// FlattenAreas returns every node of the forest in pre-order, each copied
// without its children (Areas is nil), so the result holds no subtree.
func FlattenAreas(roots []Area) []Area {
	var out []Area
	_ = WalkAreas(roots, func(a *Area, _ int) error {
		c := *a
		c.Areas = nil
		out = append(out, c)
		return nil
	})
	return out
}

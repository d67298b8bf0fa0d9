package analytics

// grouper accumulates the groups of several dimension tuples (the
// groupings of the groups section, region × experience) in one pass.
//
// A vacancy is seen by every tuple, so the string work is done once per
// vacancy and dimension: each value's key is interned into a small integer
// id (one map look-up), and the tuples find their groups by those ids — a
// slice index for a single dimension, a few bytes of ids for several —
// instead of joining and hashing the keys once per tuple.
type grouper struct {
	tuples []tupleGroups
	used   uint16              // bit i: some tuple reads Dims[i]
	dicts  [8]map[string]int32 // per Dims index: value key → id
	ids    [8][]int32          // the current vacancy's ids of each used dimension
	kbuf   []byte              // the key of a combination (see comboKey)
	pos    []int               // the values of the combination being built
}

// tupleGroups are the groups of one dimension tuple.
type tupleGroups struct {
	idx   []int           // indexes in Dims
	byID  []*acc          // one dimension: the group of each value id (nil: none yet)
	byKey map[string]*acc // several dimensions: the group of each comboKey
}

func newGrouper(tuples [][]int) *grouper {
	g := &grouper{}
	for _, idx := range tuples {
		t := tupleGroups{idx: idx}
		if len(idx) > 1 {
			t.byKey = map[string]*acc{}
		}
		g.tuples = append(g.tuples, t)
		for _, i := range idx {
			g.used |= 1 << i
		}
	}
	for i := range Dims {
		if g.used&(1<<i) != 0 {
			g.dicts[i] = map[string]int32{}
		}
	}
	return g
}

// id interns key, a value of Dims[i].
func (g *grouper) id(i int, key string) int32 {
	id, ok := g.dicts[i][key]
	if !ok {
		id = int32(len(g.dicts[i]))
		g.dicts[i][key] = id
	}
	return id
}

// observe adds o to the group of every combination of its values in every
// tuple: a vacancy with two roles counts in both.
func (g *grouper) observe(o *Seen) {
	for i := range Dims {
		if g.used&(1<<i) == 0 {
			continue
		}
		ids := g.ids[i][:0]
		for _, x := range o.values(i) {
			ids = append(ids, g.id(i, x.key))
		}
		g.ids[i] = ids
	}
	for t := range g.tuples {
		tg := &g.tuples[t]
		if len(tg.idx) == 1 {
			g.addSingle(tg, o)
		} else {
			g.combos(tg, o)
		}
	}
}

func (g *grouper) addSingle(tg *tupleGroups, o *Seen) {
	i := tg.idx[0]
	for j, id := range g.ids[i] {
		a := tg.single(id)
		if *a == nil {
			x := o.values(i)[j]
			*a = &acc{key: []string{x.key}, label: []string{x.label}}
		}
		(*a).add(o.Open, o.Salary)
	}
}

// single returns the slot of the group of value id, growing byID to hold it.
func (tg *tupleGroups) single(id int32) **acc {
	if int(id) >= len(tg.byID) {
		tg.byID = append(tg.byID, make([]*acc, int(id)+1-len(tg.byID))...)
	}
	return &tg.byID[id]
}

// combos walks the combinations of o's values of the tuple's dimensions.
func (g *grouper) combos(tg *tupleGroups, o *Seen) {
	g.pos = g.pos[:0]
	g.walk(tg, o)
}

func (g *grouper) walk(tg *tupleGroups, o *Seen) {
	k := len(g.pos)
	if k == len(tg.idx) {
		g.kbuf = g.kbuf[:0]
		for k, i := range tg.idx {
			g.kbuf = comboKey(g.kbuf, g.ids[i][g.pos[k]])
		}
		a := tg.byKey[string(g.kbuf)] // no allocation for the look-up
		if a == nil {
			a = &acc{key: make([]string, len(tg.idx)), label: make([]string, len(tg.idx))}
			for k, i := range tg.idx {
				x := o.values(i)[g.pos[k]]
				a.key[k], a.label[k] = x.key, x.label
			}
			tg.byKey[string(g.kbuf)] = a
		}
		a.add(o.Open, o.Salary)
		return
	}
	for j := range g.ids[tg.idx[k]] {
		g.pos = append(g.pos, j)
		g.walk(tg, o)
		g.pos = g.pos[:k]
	}
}

// comboKey appends id to the key of a combination: four bytes per dimension.
func comboKey(buf []byte, id int32) []byte {
	return append(buf, byte(id), byte(id>>8), byte(id>>16), byte(id>>24))
}

// merge adds the groups of b, a grouper of the same tuples; b's ids are its
// own, so its groups are found here by their keys.
func (g *grouper) merge(b *grouper) {
	for t := range g.tuples {
		for _, x := range b.tuples[t].groups() {
			g.mergeGroup(&g.tuples[t], x)
		}
	}
}

func (g *grouper) mergeGroup(tg *tupleGroups, x *acc) {
	if len(tg.idx) == 1 {
		if a := tg.single(g.id(tg.idx[0], x.key[0])); *a != nil {
			(*a).merge(x)
		} else {
			*a = x
		}
		return
	}
	g.kbuf = g.kbuf[:0]
	for k, i := range tg.idx {
		g.kbuf = comboKey(g.kbuf, g.id(i, x.key[k]))
	}
	if a := tg.byKey[string(g.kbuf)]; a != nil {
		a.merge(x)
	} else {
		tg.byKey[string(g.kbuf)] = x
	}
}

// groups are the tuple's groups, in no order.
func (tg *tupleGroups) groups() []*acc {
	var out []*acc
	for _, a := range tg.byID {
		if a != nil {
			out = append(out, a)
		}
	}
	for _, a := range tg.byKey {
		out = append(out, a)
	}
	return out
}

// finish returns the groups of tuple t, largest first.
func (g *grouper) finish(t int) []GroupStats {
	accs := g.tuples[t].groups()
	out := make([]GroupStats, 0, len(accs))
	for _, a := range accs {
		out = append(out, a.finish())
	}
	sortGroups(out)
	return out
}

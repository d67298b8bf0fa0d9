package analytics

// grouper accumulates the groups of several dimension tuples (the
// groupings of the groups section, region × experience) in one pass.
//
// A vacancy is seen by every tuple, so the string work is done once per
// vacancy and dimension: each value's key is interned into a small integer
// id (one map look-up), and the tuples find their groups by those ids — a
// slice index for a single dimension, the ids packed into an integer for
// several — instead of joining and hashing the keys once per tuple.
type grouper struct {
	tuples []tupleGroups
	used   uint16     // bit i: some tuple reads Dims[i]
	dicts  [8]dict    // per Dims index: value key → id
	keys   []string   // the current vacancy's keys of one dimension
	ids    [8][]int32 // and the ids of each used dimension
	pos    []int      // the values of the combination being built
	combo  []int32    // and their ids
	kbuf   []byte
	memo   [8]codeMemo[int32] // per Dims index: value code (store.Codes) → id
}

// tupleGroups are the groups of one dimension tuple.
type tupleGroups struct {
	idx    []int           // indexes in Dims
	byID   []acc           // one dimension: the group of each value id (nil key: none yet), in place: one pointer fewer to chase per row
	packed map[uint64]*acc // several: the group of each combination of ids, packed
	byKey  map[string]*acc // the rare combinations whose ids do not fit (comboKey)
}

func newGrouper(tuples [][]int) *grouper {
	g := &grouper{}
	for _, idx := range tuples {
		t := tupleGroups{idx: idx}
		if len(idx) > 1 {
			t.packed, t.byKey = map[uint64]*acc{}, map[string]*acc{}
		}
		g.tuples = append(g.tuples, t)
		for _, i := range idx {
			g.used |= 1 << i
		}
	}
	return g
}

// id interns key, a value of Dims[i].
func (g *grouper) id(i int, key string) int32 { return g.dicts[i].id(key) }

// dict numbers the values of a dimension in the order they come. Most
// dimensions have a handful of values (experience, work formats, forms of
// employment): comparing a key with each of them is cheaper than hashing it,
// all the more as the dashboard's strings are shared and compare by address.
// A dimension with more values gets a map.
type dict struct {
	keys []string         // by id
	ids  map[string]int32 // once there are more than dictScan keys
}

const dictScan = 8

func (d *dict) id(key string) int32 {
	if d.ids == nil {
		for i, k := range d.keys {
			if k == key {
				return int32(i)
			}
		}
	} else if id, ok := d.ids[key]; ok {
		return id
	}
	id := int32(len(d.keys))
	d.keys = append(d.keys, key)
	switch {
	case d.ids != nil:
		d.ids[key] = id
	case len(d.keys) > dictScan:
		d.ids = make(map[string]int32, 2*len(d.keys))
		for i, k := range d.keys {
			d.ids[k] = int32(i)
		}
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
		// Appending in place stores no pointer: no write barrier while the
		// collector runs.
		g.ids[i] = g.ids[i][:0]
		var one [1]int32
		if codes, ok := dimCodes(i, o.V.Codes, &one); ok {
			g.codedIDs(i, o, codes)
			continue
		}
		// The keys alone: o.values, with the labels, only for a new group.
		g.keys = o.env.dims.keys(Dims[i], o.V, g.keys[:0])
		for _, k := range g.keys {
			g.ids[i] = append(g.ids[i], g.id(i, k))
		}
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
		if a.key == nil {
			x := o.values(i)[j]
			a.key, a.label = []string{x.key}, []string{x.label}
		}
		a.add(o.Open, o.Salary)
	}
}

// codedIDs sets g.ids[i] from the codes of o's values of Dims[i], each
// code's id remembered after its first look-up by key.
func (g *grouper) codedIDs(i int, o *Seen, codes []int32) {
	keyed := false
	for j, c := range codes {
		id, ok := g.memo[i].get(c)
		if !ok {
			if !keyed {
				g.keys = o.env.dims.keys(Dims[i], o.V, g.keys[:0])
				keyed = true
			}
			id = g.id(i, g.keys[j])
			g.memo[i].put(c, id)
		}
		g.ids[i] = append(g.ids[i], id)
	}
}

// single returns the slot of the group of value id, growing byID to hold it.
func (tg *tupleGroups) single(id int32) *acc {
	if int(id) >= len(tg.byID) {
		tg.byID = append(tg.byID, make([]acc, int(id)+1-len(tg.byID))...)
	}
	return &tg.byID[id]
}

// combos walks the combinations of o's values of the tuple's dimensions.
func (g *grouper) combos(tg *tupleGroups, o *Seen) {
	g.pos = g.pos[:0]
	g.combo = g.combo[:0]
	g.walk(tg, o)
}

func (g *grouper) walk(tg *tupleGroups, o *Seen) {
	k := len(g.pos)
	if k == len(tg.idx) {
		a := g.get(tg, g.combo)
		if a == nil {
			a = &acc{key: make([]string, len(tg.idx)), label: make([]string, len(tg.idx))}
			for k, i := range tg.idx {
				x := o.values(i)[g.pos[k]]
				a.key[k], a.label[k] = x.key, x.label
			}
			g.put(tg, g.combo, a)
		}
		a.add(o.Open, o.Salary)
		return
	}
	for j, id := range g.ids[tg.idx[k]] {
		g.pos = append(g.pos, j)
		g.combo = append(g.combo, id)
		g.walk(tg, o)
		g.pos = g.pos[:k]
		g.combo = g.combo[:k]
	}
}

// get returns the group of the combination of ids (one per dimension of
// tg, several), nil when there is none yet.
func (g *grouper) get(tg *tupleGroups, combo []int32) *acc {
	if k, ok := pack(combo); ok {
		return tg.packed[k]
	}
	g.kbuf = comboKey(g.kbuf[:0], combo)
	return tg.byKey[string(g.kbuf)] // no allocation for the look-up
}

func (g *grouper) put(tg *tupleGroups, combo []int32, a *acc) {
	if k, ok := pack(combo); ok {
		tg.packed[k] = a
		return
	}
	tg.byKey[string(comboKey(g.kbuf[:0], combo))] = a
}

// pack packs the ids of a combination of two to eight dimensions into one
// integer, 64/len(combo) bits each; ok is false when an id does not fit
// (three dimensions: 2 097 152 values or more).
func pack(combo []int32) (k uint64, ok bool) {
	if len(combo) < 2 || len(combo) > 8 {
		return 0, false
	}
	bits := 64 / len(combo)
	for _, id := range combo {
		if uint64(id) >= 1<<bits {
			return 0, false
		}
		k = k<<bits | uint64(id)
	}
	return k, true
}

// comboKey writes the ids of a combination to buf, four bytes each.
func comboKey(buf []byte, combo []int32) []byte {
	for _, id := range combo {
		buf = append(buf, byte(id), byte(id>>8), byte(id>>16), byte(id>>24))
	}
	return buf
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
		if a := tg.single(g.id(tg.idx[0], x.key[0])); a.key != nil {
			a.merge(x)
		} else {
			*a = *x
		}
		return
	}
	g.combo = g.combo[:0]
	for k, i := range tg.idx {
		g.combo = append(g.combo, g.id(i, x.key[k]))
	}
	if a := g.get(tg, g.combo); a != nil {
		a.merge(x)
	} else {
		g.put(tg, g.combo, x)
	}
}

// groups are the tuple's groups, in no order.
func (tg *tupleGroups) groups() []*acc {
	var out []*acc
	for i := range tg.byID {
		if a := &tg.byID[i]; a.key != nil {
			out = append(out, a)
		}
	}
	for _, a := range tg.packed {
		out = append(out, a)
	}
	for _, a := range tg.byKey {
		out = append(out, a)
	}
	return out
}

// finish returns the groups of tuple t, largest first.
func (g *grouper) finish(t int) []GroupStats { return finishAccs(g.tuples[t].groups()) }

// finishAccs returns the figures of the groups accs, largest first.
func finishAccs(accs []*acc) []GroupStats {
	out := make([]GroupStats, 0, len(accs))
	for _, a := range accs {
		out = append(out, a.finish())
	}
	sortGroups(out)
	return out
}

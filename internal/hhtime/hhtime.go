// Package hhtime is the one definition of hh.ru's time facts: the layout of
// its timestamps and the Moscow offset it prints them in. It imports nothing
// internal, so every package can use it — the emulator (sandbox) and the
// analytics alike — and no package keeps a copy.
package hhtime

import "time"

// Layout is hh.ru's timestamp format: ISO 8601 with a colon-less offset,
// e.g. 2013-07-08T16:17:21+0400. time.RFC3339 does not parse it.
const Layout = "2006-01-02T15:04:05-0700"

// Moscow is the offset hh.ru prints its timestamps in, and the zone the
// reports count days in (UTC+3, no DST since 2014). A fixed zone, not
// time.LoadLocation: the binary needs no tzdata.
var Moscow = time.FixedZone("MSK", 3*3600)

// Format formats t in Moscow time in hh.ru's layout, as the API does.
func Format(t time.Time) string { return t.In(Moscow).Format(Layout) }

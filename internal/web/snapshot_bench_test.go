package web

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/hhjobs/hhjobs/internal/analytics/analyticstest"
	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/sqlite"
)

// walkSnap is a snapshot of 20,000 generated vacancies for the snapshot
// benchmarks.
func walkSnap(b *testing.B) *Snapshot {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "walk.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := analyticstest.Fill(ctx, db, 20000, 11); err != nil {
		b.Fatal(err)
	}
	snap, err := BuildSnapshot(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	snap.WaitIndex()
	return snap
}

// BenchmarkSnapshotWalk rebuilds every vacancy of the snapshot, as an
// unfiltered overview does: its allocations per walk are those of vacancy.
//
//	go test ./internal/web/ -run '^$' -bench SnapshotWalk -benchmem
func BenchmarkSnapshotWalk(b *testing.B) {
	snap := walkSnap(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		if err := snap.EachVacancy(ctx, store.Filter{}, func(v store.Vacancy) error {
			n += len(v.KeySkills)
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSnapshotBuild reads the 20,000 vacancies into a snapshot.
func BenchmarkSnapshotBuild(b *testing.B) {
	snap := walkSnap(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		s, err := BuildSnapshot(ctx, snap.Store)
		if err != nil {
			b.Fatal(err)
		}
		s.WaitIndex()
	}
}

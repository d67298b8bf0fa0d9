package web

import (
	"context"
	"sync"
	"time"
)

// SyncStatus is what the dashboard says of the background sync.
type SyncStatus struct {
	Enabled      bool       `json:"enabled"`
	Every        string     `json:"every,omitempty"`
	Running      bool       `json:"running"`
	LastStarted  *time.Time `json:"last_started,omitempty"`
	LastFinished *time.Time `json:"last_finished,omitempty"`
	LastOK       *time.Time `json:"last_ok,omitempty"`
	LastError    string     `json:"last_error,omitempty"` // one line; no secrets (the sync's own messages)
	NextAt       *time.Time `json:"next_at,omitempty"`
}

type syncState struct {
	mu sync.Mutex
	st SyncStatus
}

func (s *syncState) get() SyncStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st
}

func (s *syncState) update(fn func(*SyncStatus)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(&s.st)
}

func tp(t time.Time) *time.Time { return &t }

// SyncOnce runs one sync of the saved queries, then rebuilds the snapshot
// (also after a failed sync: what it stored before failing is shown).
// Readers keep the old snapshot until the new one is swapped in.
func (s *Server) SyncOnce(ctx context.Context) error {
	if s.cfg.Sync == nil {
		return nil
	}
	s.sync.update(func(st *SyncStatus) { st.Running, st.LastStarted, st.NextAt = true, tp(s.cfg.Now()), nil })
	err := s.cfg.Sync(ctx)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	rerr := s.Rebuild(ctx)
	s.sync.update(func(st *SyncStatus) {
		st.Running, st.LastFinished = false, tp(s.cfg.Now())
		switch {
		case err != nil:
			st.LastError = oneLine(err.Error())
		case rerr != nil:
			st.LastError = "snapshot: " + oneLine(rerr.Error())
		default:
			st.LastError, st.LastOK = "", st.LastFinished
		}
	})
	if err != nil {
		s.cfg.Log.Error("sync failed", "err", oneLine(err.Error()))
		return err
	}
	return rerr
}

// RunSync syncs every cfg.SyncEvery until ctx ends. The first sync starts
// at once: the dashboard is already answering from the current snapshot.
func (s *Server) RunSync(ctx context.Context) {
	if s.cfg.Sync == nil || s.cfg.SyncEvery <= 0 {
		return
	}
	for {
		_ = s.SyncOnce(ctx)
		next := s.cfg.Now().Add(s.cfg.SyncEvery)
		s.sync.update(func(st *SyncStatus) { st.NextAt = &next })
		select {
		case <-ctx.Done():
			return
		case <-time.After(s.cfg.SyncEvery):
		}
	}
}

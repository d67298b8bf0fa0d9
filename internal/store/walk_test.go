package store

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
)

func TestWalkChunks(t *testing.T) {
	const size = 10
	boom := errors.New("boom")
	stop := errors.New("stop")
	tests := []struct {
		name     string
		n        int // rows in the "table"
		failNext int // chunk number whose next fails (0 = none)
		stopAt   int // fn returns stop at this row (0 = never)
		cancelAt int // the caller cancels at this row (0 = never)
		want     error
		wantRows int
	}{
		{name: "empty", n: 0},
		{name: "one short chunk", n: 7, wantRows: 7},
		{name: "exact chunks", n: 30, wantRows: 30},
		{name: "chunks and a tail", n: 35, wantRows: 35},
		{name: "next fails", n: 35, failNext: 3, want: boom, wantRows: 20},
		{name: "fn stops", n: 35, stopAt: 12, want: stop, wantRows: 12},
		{name: "caller cancels", n: 1000, cancelAt: 15, want: context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var calls, returned atomic.Int32
			next := func(after string, buf []int) ([]int, string, error) {
				if returned.Load() != 0 {
					t.Error("next called after WalkChunks returned")
				}
				calls.Add(1)
				if int(calls.Load()) == tt.failNext {
					return nil, "", boom
				}
				start := 0
				if after != "" {
					fmt.Sscan(after, &start)
					start++
				}
				for i := start; i < tt.n && len(buf) < size; i++ {
					buf = append(buf, i)
				}
				if len(buf) == 0 {
					return buf, "", nil
				}
				return buf, fmt.Sprint(buf[len(buf)-1]), nil
			}
			conv := func(r *int) (Vacancy, error) { return Vacancy{ID: fmt.Sprint(*r)}, nil }
			got := 0
			err := WalkChunks(ctx, size, next, conv, func(v Vacancy) error {
				if v.ID != fmt.Sprint(got) {
					return fmt.Errorf("row %d: got id %s", got, v.ID)
				}
				got++
				if got == tt.stopAt {
					return stop
				}
				if got == tt.cancelAt {
					cancel()
				}
				return nil
			})
			returned.Store(1)
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Fatalf("err %v, want %v", err, tt.want)
			}
			if tt.cancelAt == 0 && got != tt.wantRows {
				t.Errorf("%d rows, want %d", got, tt.wantRows)
			}
			if tt.cancelAt != 0 && got >= tt.n {
				t.Errorf("a cancelled walk went through all %d rows", got)
			}
		})
	}
}

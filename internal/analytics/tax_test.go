package analytics

import (
	"math"
	"testing"
	"time"
)

func TestNDFLScale(t *testing.T) {
	y2024 := time.Date(2024, 12, 31, 23, 0, 0, 0, MSK)
	y2025 := time.Date(2025, 1, 1, 0, 0, 0, 0, MSK)
	for _, c := range []struct {
		name       string
		on         time.Time
		gross, net float64 // monthly ₽
	}{
		// 2024: 13 % up to 5 M a year: 100 000 × 0.87.
		{"2024, 13 % bracket", y2024, 100_000, 87_000},
		{"2024, 13 % bracket, high", y2024, 344_827.5862068966, 300_000},
		// 2021–2024: 6 M a year = 650 000 + 1 M × 0.15 = 800 000 tax → 5.2 M net.
		{"2024, 15 % above 5 M", y2024, 500_000, 5_200_000.0 / 12},
		{"2020, flat", time.Date(2020, 6, 1, 0, 0, 0, 0, MSK), 500_000, 435_000},
		// 2025, first bracket: 200 000 × 12 = 2.4 M, all at 13 %.
		{"2025, top of 13 %", y2025, 200_000, 174_000},
		// The brief's case: net 300 000 → annual net 3.6 M = 2.088 M (net of the first 2.4 M)
		// + 1.512 M taxed at 15 % → gross 2.4 M + 1.512 M / 0.85 = 4 178 823.53 a year.
		{"2025, net 300 000", y2025, 4_178_823.529411765 / 12, 300_000},
		// 5 M/yr: 2.4 M × 0.13 + 2.6 M × 0.15 = 702 000 tax → net 4 298 000.
		{"2025, top of 15 %", y2025, 5_000_000.0 / 12, 4_298_000.0 / 12},
		// 60 M/yr: 312 000 + 390 000 + 15 M × 0.18 + 30 M × 0.20 + 10 M × 0.22 = 11 602 000.
		{"2025, 22 %", y2025, 5_000_000, (60_000_000.0 - 11_602_000) / 12},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := ScaleOn(c.on)
			if got := s.NetMonthly(c.gross); math.Abs(got-c.net) > 0.01 {
				t.Errorf("net of %.2f = %.4f, want %.4f", c.gross, got, c.net)
			}
			if got := s.GrossMonthly(c.net); math.Abs(got-c.gross) > 0.01 {
				t.Errorf("gross of %.2f = %.4f, want %.4f", c.net, got, c.gross)
			}
		})
	}
	if g := ScaleOn(y2025).GrossMonthly(300_000); math.Round(g) != 348_235 {
		t.Errorf("net 300 000 → %.0f gross, want 348 235 (flat 13 %% would give 344 828)", g)
	}
}

package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/hhjobs/hhjobs/internal/auth"
	"github.com/hhjobs/hhjobs/internal/httpx"
)

// RatesFile remembers, per API base, the rate --rps auto settled at, so the
// next run starts there instead of slow-starting from httpx.AutoStartRPS.
const RatesFile = "rates.json"

// minRememberAnswers: a run shorter than this says too little about the
// API's limit to be remembered.
const minRememberAnswers = 20

// rpsValue is the --rps flag: "auto" (adaptive, the default) or a number
// (a hard ceiling; 0 = unlimited).
type rpsValue struct{ h *HarvestFlags }

func (v rpsValue) String() string {
	if v.h.Auto {
		return "auto"
	}
	return strconv.FormatFloat(v.h.RPS, 'g', -1, 64)
}

func (v rpsValue) Set(s string) error {
	if s == "auto" {
		v.h.Auto, v.h.RPS = true, 0
		return nil
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return err
	}
	v.h.Auto, v.h.RPS = false, x
	return nil
}

func (v rpsValue) Type() string { return "auto|N" }

type rateEntry struct {
	RPS   float64   `json:"rps"`
	Saved time.Time `json:"saved"`
}

// rateMemo is the adaptive controller of this process and where its rate
// is remembered.
type rateMemo struct {
	path, base string
	ad         *httpx.Adaptive
}

func (f *Factory) ratesPath() string { return filepath.Join(f.Settings.ConfigDir, RatesFile) }

// loadRates reads the rates file; a missing file is empty, a corrupt one is
// ignored with a debug line (the controller just starts from scratch).
func (f *Factory) loadRates() map[string]rateEntry {
	m := map[string]rateEntry{}
	b, err := os.ReadFile(f.ratesPath())
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			if l := f.debugLog(); l != nil {
				l.Debug("remembered rates not read", "file", f.ratesPath(), "err", err)
			}
		}
		return m
	}
	if err := json.Unmarshal(b, &m); err != nil {
		if l := f.debugLog(); l != nil {
			l.Debug("remembered rates ignored: corrupt file", "file", f.ratesPath(), "err", err)
		}
		return map[string]rateEntry{}
	}
	return m
}

// harvestLimiter is the shared limiter for collect and sync: a fixed one
// for --rps N, an adaptive one (started at the remembered rate) for auto.
func (f *Factory) harvestLimiter(hf HarvestFlags) *httpx.Limiter {
	if !hf.Auto {
		return httpx.NewLimiter(hf.RPS, 1)
	}
	base := f.Settings.APIBase
	e, ok := f.loadRates()[base]
	ok = ok && e.RPS > 0
	ad := httpx.NewAdaptive(e.RPS, httpx.AutoMaxRPS, ok, nil)
	if l := f.debugLog(); l != nil {
		l.Debug("adaptive rate", "start_rps", ad.Rate(), "remembered", ok, "api", base)
	}
	f.mu.Lock()
	f.rates = &rateMemo{path: f.ratesPath(), base: base, ad: ad}
	f.mu.Unlock()
	return httpx.NewAdaptiveLimiter(ad)
}

// saveRate remembers the adaptive rate of this process, if it rests on
// enough answers. Called by Close; a failure is a debug line, not an error
// of the command.
func (f *Factory) saveRate() {
	f.mu.Lock()
	r := f.rates
	f.rates = nil // once per process, even if Close is called twice
	f.mu.Unlock()
	if r == nil {
		return
	}
	rps, n := r.ad.Remember()
	if n < minRememberAnswers {
		return
	}
	m := f.loadRates()
	m[r.base] = rateEntry{RPS: rps, Saved: time.Now().UTC().Truncate(time.Second)}
	b, err := json.MarshalIndent(m, "", "  ")
	if err == nil {
		err = auth.WriteFileAtomic(r.path, append(b, '\n'))
	}
	if l := f.debugLog(); l != nil {
		l.Debug("adaptive rate remembered", "rps", fmt.Sprintf("%.2f", rps), "answers", n, "file", r.path, "err", err)
	}
}

// dryRunRate is the rate a dry run estimates time at, and how to name it:
// --rps N, or for auto the rate it would start at (remembered or the safe
// start), which the run then raises towards the API's limit.
func dryRunRate(f *Factory, hf HarvestFlags) (float64, string) {
	if !hf.Auto {
		return hf.RPS, fmt.Sprintf("--rps %g", hf.RPS)
	}
	if e, ok := f.loadRates()[f.Settings.APIBase]; ok && e.RPS > 0 {
		r := min(e.RPS, httpx.AutoMaxRPS)
		return r, fmt.Sprintf("--rps auto (%.3g req/s, remembered; it adapts)", r)
	}
	return httpx.AutoStartRPS, fmt.Sprintf("--rps auto (%g req/s to start; it rises towards the API's limit, so the run is likely faster)", httpx.AutoStartRPS)
}

package bench

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// resetPeakRSS resets this process's VmHWM to its current RSS (Linux ≥ 4.0:
// "5" to /proc/self/clear_refs). It reports whether that worked.
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// peakRSS returns this process's VmHWM in bytes, or -1 where /proc is absent.
func peakRSS() int64 { return procStatusKB("/proc/self/status", "VmHWM:") }

func procStatusKB(path, key string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), key); ok {
			fs := strings.Fields(rest)
			if len(fs) == 0 {
				return -1
			}
			kb, err := strconv.ParseInt(fs[0], 10, 64)
			if err != nil {
				return -1
			}
			return kb * 1024
		}
	}
	return -1
}

// Machine describes where the figures were measured.
type Machine struct {
	OS         string `json:"os"`
	Arch       string `json:"arch"`
	CPUs       int    `json:"cpus"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	CPUModel   string `json:"cpu_model,omitempty"`
	MemTotal   int64  `json:"mem_total_bytes,omitempty"`
	GoVersion  string `json:"go_version"`
}

func machine() Machine {
	m := Machine{OS: runtime.GOOS, Arch: runtime.GOARCH, CPUs: runtime.NumCPU(),
		GOMAXPROCS: runtime.GOMAXPROCS(0), GoVersion: runtime.Version()}
	if kb := procStatusKB("/proc/meminfo", "MemTotal:"); kb > 0 {
		m.MemTotal = kb
	}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	return m
}

// statSize is the size of a SQLite database with its WAL.
func statSize(path string) (int64, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	n := fi.Size()
	if w, err := os.Stat(path + "-wal"); err == nil {
		n += w.Size()
	}
	return n, nil
}

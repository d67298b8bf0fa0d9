package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/hhjobs/hhjobs/internal/analytics"
)

// SynonymsFile is the user's skill synonym groups in the config dir.
const SynonymsFile = "skill_synonyms.txt"

// loadSynonyms returns the shipped skill groups extended by the config dir's
// skill_synonyms.txt (if there is one) and then by --synonyms FILE.
func loadSynonyms(f *Factory, flagFile string) (*analytics.Synonyms, error) {
	s := analytics.DefaultSynonyms()
	if f.Settings.ConfigDir != "" {
		p := filepath.Join(f.Settings.ConfigDir, SynonymsFile)
		if extra, err := readSynonyms(p); err == nil {
			s = s.With(extra)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	if flagFile != "" {
		extra, err := readSynonyms(flagFile)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, usageErrorf("--synonyms %s: no such file", flagFile)
		}
		if err != nil {
			return nil, usageErrorf("--synonyms: %v (format: docs/methodology.md §4)", err)
		}
		s = s.With(extra)
	}
	return s, nil
}

func readSynonyms(path string) (*analytics.Synonyms, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	s, err := analytics.ParseSynonyms(fh, path)
	if err != nil {
		return nil, fmt.Errorf("skill synonyms: %w", err)
	}
	return s, nil
}

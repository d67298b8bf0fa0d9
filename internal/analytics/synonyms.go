package analytics

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"strings"
	"sync"
)

// Skill synonym groups are data (data/skill_synonyms.txt, shipped inside
// the binary) that a user can extend with a file in the same format.

//go:embed data/skill_synonyms.txt
var shippedSynonyms string

// Synonyms maps folded spellings to their group's key and display name.
type Synonyms struct {
	m map[string]synonym
}

type synonym struct{ key, name string }

// ParseSynonyms reads groups ("Name = spelling; spelling; …" a line, #
// comments); src names the file in errors.
func ParseSynonyms(r io.Reader, src string) (*Synonyms, error) {
	s := &Synonyms{m: map[string]synonym{}}
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		name, rest, ok := strings.Cut(text, "=")
		name = strings.TrimSpace(name)
		key := foldSkill(name)
		if !ok || key == "" {
			return nil, fmt.Errorf("%s:%d: want «Name = spelling; spelling; …», got %q", src, line, text)
		}
		for _, sp := range append([]string{name}, strings.Split(rest, ";")...) {
			f := foldSkill(sp)
			if f == "" {
				continue
			}
			if prev, dup := s.m[f]; dup && prev.key != key {
				return nil, fmt.Errorf("%s:%d: %q is already in the group %q", src, line, strings.TrimSpace(sp), prev.name)
			}
			s.m[f] = synonym{key, name}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", src, err)
	}
	return s, nil
}

var defaultSynonyms = sync.OnceValue(func() *Synonyms {
	s, err := ParseSynonyms(strings.NewReader(shippedSynonyms), "skill_synonyms.txt")
	if err != nil {
		panic(err) // the shipped file is tested
	}
	return s
})

// DefaultSynonyms are the shipped groups.
func DefaultSynonyms() *Synonyms { return defaultSynonyms() }

// With returns s extended by extra: a spelling extra lists moves to extra's group.
func (s *Synonyms) With(extra *Synonyms) *Synonyms {
	out := &Synonyms{m: make(map[string]synonym, len(s.m)+len(extra.m))}
	for k, v := range s.m {
		out.m[k] = v
	}
	for k, v := range extra.m {
		out.m[k] = v
	}
	return out
}

// Len is the number of spellings s folds (tests check the embedded list).
func (s *Synonyms) Len() int { return len(s.m) }

// Key folds raw (see SkillKey) and maps it through the groups.
func (s *Synonyms) Key(raw string) (key, name string) {
	f := foldSkill(raw)
	if syn, ok := s.m[f]; ok {
		return syn.key, syn.name
	}
	return f, ""
}

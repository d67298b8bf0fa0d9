package httpx

import (
	"fmt"
	"io"
	"net/http"
	"strings"
)

// BodyKind names a kind of API answer; each kind has its own size ceiling
// (BodyLimit), enforced by Retry while it reads the body.
type BodyKind string

// Kinds of answer. A request's kind is set with WithBodyKind, else inferred
// from its path (KindOf); any answer with a 4xx/5xx status is KindError.
const (
	KindSearch    BodyKind = "search page"    // GET /vacancies
	KindVacancy   BodyKind = "full vacancy"   // GET /vacancies/{id}
	KindReference BodyKind = "reference data" // /areas, /dictionaries, /professional_roles, /industries
	KindToken     BodyKind = "token answer"   // /token, /oauth/token
	KindError     BodyKind = "error answer"   // any status >= 400
	KindOther     BodyKind = "answer"         // everything else (/employers/{id}, /me …)
)

// Ceilings per kind: each far above anything hh.ru sends (docs/security.md,
// "Bounded reading"), so only a broken or hostile server reaches them. Real sizes: a
// search page of 100 items ~150 KB, a full vacancy rarely over 100 KB, the
// whole /areas tree ~2 MB, a token answer < 1 KB, an error < 2 KB.
const (
	LimitSearch    = 16 << 20
	LimitVacancy   = 8 << 20
	LimitReference = 32 << 20
	LimitToken     = 64 << 10
	LimitError     = 256 << 10
	LimitOther     = 8 << 20
)

// BodyLimit is the ceiling in bytes for answers of kind k.
func BodyLimit(k BodyKind) int64 {
	switch k {
	case KindSearch:
		return LimitSearch
	case KindVacancy:
		return LimitVacancy
	case KindReference:
		return LimitReference
	case KindToken:
		return LimitToken
	case KindError:
		return LimitError
	}
	return LimitOther
}

type bodyKindKey struct{}

// KindOf is the kind of req's answer with the given status.
func KindOf(req *http.Request, status int) BodyKind {
	if status >= 400 {
		return KindError
	}
	if k, ok := req.Context().Value(bodyKindKey{}).(BodyKind); ok && k != "" {
		return k
	}
	// The last path segments decide, so an API base with a prefix
	// (http://host/hh/) works too.
	segs := strings.Split(strings.Trim(req.URL.Path, "/"), "/")
	last := segs[len(segs)-1]
	prev := ""
	if len(segs) > 1 {
		prev = segs[len(segs)-2]
	}
	switch {
	case last == "vacancies":
		return KindSearch
	case prev == "vacancies" && last != "":
		return KindVacancy
	case last == "areas" || prev == "areas" || last == "dictionaries" || last == "professional_roles" || last == "industries":
		return KindReference
	case last == "token":
		return KindToken
	}
	return KindOther
}

// BodyTooLargeError is an answer larger than its kind's ceiling. It is
// final: Retry does not repeat it, and the caller fails that one item (a
// vacancy, a slice) with this reason.
type BodyTooLargeError struct {
	Kind   BodyKind
	Limit  int64
	Status int
	URL    string // redacted
}

func (e *BodyTooLargeError) Error() string {
	// No URL: every caller's wrapping (url.Error, hhapi) already names it.
	return fmt.Sprintf("the answer (HTTP %d) is larger than the %s limit for a %s: refused", e.Status, byteSize(e.Limit), e.Kind)
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// readLimited reads resp's body up to the ceiling of its kind and fails,
// without reading further, as soon as the body (or its declared length)
// is over it. Memory is bounded by the ceiling, whatever the server sends.
func readLimited(req *http.Request, resp *http.Response) ([]byte, error) {
	kind := KindOf(req, resp.StatusCode)
	limit := BodyLimit(kind)
	tooLarge := func() error {
		return &BodyTooLargeError{Kind: kind, Limit: limit, Status: resp.StatusCode, URL: RedactURL(req.URL)}
	}
	if resp.ContentLength > limit {
		return nil, tooLarge()
	}
	hint := resp.ContentLength
	if hint < 0 || hint > limit {
		hint = 0
	}
	buf := make([]byte, 0, hint+512)
	lr := io.LimitedReader{R: resp.Body, N: limit + 1}
	for {
		if len(buf) == cap(buf) {
			// Grow by doubling, but never past limit+1 (append's growth
			// would allocate up to twice the ceiling).
			nb := make([]byte, len(buf), min(max(2*int64(cap(buf)), 32<<10), limit+1))
			copy(nb, buf)
			buf = nb
		}
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, tooLarge()
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

package sandbox

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
)

// HTTP plumbing: request ids, JSON and gzip answers, hh.ru's error shapes.

// ---- HTTP plumbing -----------------------------------------------------

type ctxKey struct{}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

type apiError struct {
	Type        string `json:"type"`
	Value       string `json:"value,omitempty"`
	CaptchaURL  string `json:"captcha_url,omitempty"`
	FallbackURL string `json:"fallback_url,omitempty"`
}

type badArgJSON struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

type errorsBody struct {
	Description  string       `json:"description,omitempty"`
	Errors       []apiError   `json:"errors"`
	BadArguments []badArgJSON `json:"bad_arguments,omitempty"`
	BadArgument  string       `json:"bad_argument,omitempty"`
	RequestID    string       `json:"request_id"`
}

func reqID(w http.ResponseWriter) string { return w.Header().Get("X-Request-Id") }

func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	b := buf.Bytes()
	b = b[:len(b)-1] // drop Encode's newline
	s.writeBytes(w, r, status, "application/json; charset=UTF-8", b)
}

func (s *Server) writeBytes(w http.ResponseWriter, r *http.Request, status int, ctype string, b []byte) {
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Add("Vary", "Accept-Encoding")
	if len(b) > 1024 && acceptsGzip(r) {
		var zb bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&zb, gzip.BestSpeed)
		_, _ = zw.Write(b)
		_ = zw.Close()
		h.Set("Content-Encoding", "gzip")
		b = zb.Bytes()
	}
	h.Set("Content-Length", fmt.Sprint(len(b)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(b)
	}
}

// static is a constant JSON resource with its gzip form computed once.
type static struct {
	raw  []byte
	once sync.Once
	gz   []byte
}

func (s *Server) writeStatic(w http.ResponseWriter, r *http.Request, st *static) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=UTF-8")
	h.Add("Vary", "Accept-Encoding")
	b := st.raw
	if acceptsGzip(r) {
		st.once.Do(func() {
			var zb bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&zb, gzip.BestCompression)
			_, _ = zw.Write(st.raw)
			_ = zw.Close()
			st.gz = zb.Bytes()
		})
		h.Set("Content-Encoding", "gzip")
		b = st.gz
	}
	h.Set("Content-Length", fmt.Sprint(len(b)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(b)
	}
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		p := strings.TrimSpace(part)
		if i := strings.IndexByte(p, ';'); i >= 0 {
			if strings.TrimSpace(p[i+1:]) == "q=0" {
				continue
			}
			p = strings.TrimSpace(p[:i])
		}
		if strings.EqualFold(p, "gzip") {
			return true
		}
	}
	return false
}

func (s *Server) writeErrors(w http.ResponseWriter, r *http.Request, status int, desc string, errs ...apiError) {
	s.writeJSON(w, r, status, errorsBody{Description: desc, Errors: errs, RequestID: reqID(w)})
}

// badArgs answers 400 with one bad_argument error per parameter, in the
// shape hh.ru returns (issue 252).
func (s *Server) badArgs(w http.ResponseWriter, r *http.Request, params ...string) {
	b := errorsBody{Description: "Bad Request", BadArgument: params[0], RequestID: reqID(w)}
	for _, p := range params {
		b.Errors = append(b.Errors, apiError{Type: "bad_argument", Value: p})
		b.BadArguments = append(b.BadArguments, badArgJSON{p, "Bad Request"})
	}
	s.writeJSON(w, r, http.StatusBadRequest, b)
}

const depthMsg = "you can't look up more than 2000 items in the list"

func (s *Server) depthError(w http.ResponseWriter, r *http.Request) {
	s.writeJSON(w, r, http.StatusBadRequest, errorsBody{
		Errors:       []apiError{{Type: "bad_argument", Value: "page"}, {Type: "bad_argument", Value: "per_page"}},
		BadArguments: []badArgJSON{{"page, per_page", depthMsg}},
		Description:  depthMsg,
		BadArgument:  "page, per_page",
		RequestID:    reqID(w),
	})
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.writeErrors(w, r, http.StatusNotFound, "Not Found", apiError{Type: "not_found"})
}

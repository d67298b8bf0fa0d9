package httpx

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
)

// Requests through SourceTransport leave from the given loopback address:
// the server sees it as the remote IP (the sandbox limits per remote IP).
func TestSourceTransportBindsLocalAddr(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		io.WriteString(w, host)
	}))
	defer srv.Close()
	for _, ip := range []string{"127.0.0.1", "127.0.0.2", "127.0.0.3"} {
		tr, err := SourceTransport(ip)
		if err != nil {
			t.Skipf("%s not usable here: %v", ip, err)
		}
		resp, err := (&http.Client{Transport: tr}).Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != ip {
			t.Errorf("bound to %s, the server saw %s", ip, b)
		}
	}
	for _, bad := range []string{"nope", "203.0.113.7"} {
		if _, err := SourceTransport(bad); err == nil {
			t.Errorf("SourceTransport(%q) accepted", bad)
		}
	}
}

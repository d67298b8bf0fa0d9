package httpx

import (
	"fmt"
	"net"
	"net/http"
	"time"
)

// SourceTransport is NewTransport with every outgoing connection bound to
// the local address ip, so that collectors on one machine reach hh.ru (which
// limits requests per IP) from different addresses.
func SourceTransport(ip string) (*http.Transport, error) {
	a, err := LocalIP(ip)
	if err != nil {
		return nil, err
	}
	t := NewTransport()
	t.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second,
		LocalAddr: &net.TCPAddr{IP: a}}).DialContext
	return t, nil
}

// LocalIP parses ip and checks that this machine can send from it (by
// binding a throwaway port), so a typo fails before the first request.
func LocalIP(ip string) (net.IP, error) {
	a := net.ParseIP(ip)
	if a == nil {
		return nil, fmt.Errorf("%q is not an IP address", ip)
	}
	l, err := net.ListenTCP("tcp", &net.TCPAddr{IP: a})
	if err != nil {
		return nil, fmt.Errorf("%s is not an address of this machine: %w", ip, err)
	}
	_ = l.Close()
	return a, nil
}

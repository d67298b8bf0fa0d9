package hhapi

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestPostToken(t *testing.T) {
	tests := []struct {
		name    string
		noSlash bool // /token answers 404: the old /oauth/token serves
		status  int
		body    string
		check   func(*testing.T, *TokenResponse, error)
	}{
		{"ok", false, 200, `{"access_token":"A","token_type":"bearer","expires_in":10,"refresh_token":"R"}`,
			func(t *testing.T, r *TokenResponse, err error) {
				if err != nil || r.AccessToken != "A" || r.RefreshToken != "R" || r.ExpiresIn != 10 {
					t.Errorf("got %+v, %v", r, err)
				}
			}},
		{"fallback to /oauth/token", true, 200, `{"access_token":"B"}`,
			func(t *testing.T, r *TokenResponse, err error) {
				if err != nil || r.AccessToken != "B" {
					t.Errorf("got %+v, %v", r, err)
				}
			}},
		{"a token answer that is not JSON stays out of the error", false, 200, `access_token=SECRETTOKEN42&token_type=bearer`,
			func(t *testing.T, _ *TokenResponse, err error) {
				var de *DecodeError
				if !errors.As(err, &de) || strings.Contains(err.Error(), "SECRETTOKEN42") {
					t.Errorf("err = %v, want a *DecodeError without the token", err)
				}
			}},
		{"oauth error", false, 400, `{"error":"invalid_grant","error_description":"code expired"}`,
			func(t *testing.T, _ *TokenResponse, err error) {
				var oe *OAuthError
				if !errors.As(err, &oe) || oe.Code != "invalid_grant" || oe.Description != "code expired" || oe.StatusCode != 400 {
					t.Errorf("err = %v, want an *OAuthError", err)
				}
			}},
		{"api error envelope", false, 403, `{"errors":[{"type":"oauth","value":"bad_authorization"}]}`,
			func(t *testing.T, _ *TokenResponse, err error) {
				var ae *APIError
				if !errors.As(err, &ae) || OAuthValue(err) != "bad_authorization" {
					t.Errorf("err = %v, want an *APIError with the oauth value", err)
				}
			}},
		{"html page", false, 200, `<html>proxy</html>`,
			func(t *testing.T, _ *TokenResponse, err error) {
				var de *DecodeError
				if !errors.As(err, &de) {
					t.Errorf("err = %v, want a *DecodeError", err)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/token" && tt.noSlash {
					http.NotFound(w, r)
					return
				}
				b, _ := io.ReadAll(r.Body)
				if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" || string(b) != "client_secret=s&grant_type=client_credentials" {
					t.Errorf("request %s %s %q %q", r.Method, r.URL.Path, r.Header.Get("Content-Type"), b)
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			c, _ := New(srv.URL, srv.Client())
			r, err := c.PostToken(t.Context(), url.Values{"grant_type": {"client_credentials"}, "client_secret": {"s"}})
			tt.check(t, r, err)
			if err != nil && strings.Contains(err.Error(), "client_secret=s") {
				t.Errorf("the form leaked into the error: %v", err)
			}
		})
	}
}

func TestRevokeToken(t *testing.T) {
	tests := []struct {
		name   string
		answer map[string]int // path → status
		want   int            // 0 = success, else the *APIError's status
	}{
		{"revoked", map[string]int{"/token": 204}, 0},
		{"old path", map[string]int{"/token": 405, "/oauth/token": 204}, 0},
		{"no endpoint", map[string]int{"/token": 404, "/oauth/token": 404}, 404},
		{"refused", map[string]int{"/token": 403}, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodDelete {
					t.Errorf("method %s", r.Method)
				}
				w.WriteHeader(tt.answer[r.URL.Path])
			}))
			defer srv.Close()
			c, _ := New(srv.URL, srv.Client())
			err := c.RevokeToken(t.Context())
			var ae *APIError
			switch {
			case tt.want == 0 && err != nil:
				t.Errorf("err = %v", err)
			case tt.want != 0 && (!errors.As(err, &ae) || ae.StatusCode != tt.want):
				t.Errorf("err = %v, want an *APIError %d", err, tt.want)
			}
		})
	}
}

package auth

import (
	"fmt"
	"log/slog"
	"time"
)

const redacted = "[redacted]"

// AppToken is the application token (client_credentials). It never expires;
// re-issuing it revokes the previous one and is allowed once per 5 minutes.
type AppToken struct {
	AccessToken string    `json:"access_token"`
	ObtainedAt  time.Time `json:"obtained_at"`
}

// Token is a user token pair (authorization code flow). The access token
// lives 14 days; the refresh token is single-use and may be used only after
// the access token has expired.
type Token struct {
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token"`
	ExpiresAt    time.Time `json:"expires_at"`
	ObtainedAt   time.Time `json:"obtained_at"`
	RefreshedAt  time.Time `json:"refreshed_at,omitzero"`
}

// Tokens is the content of tokens.json.
type Tokens struct {
	App  *AppToken `json:"app,omitempty"`
	User *Token    `json:"user,omitempty"`
}

// Expired reports whether the access token has expired at now. hh.ru refuses
// to refresh a token that has not expired, so there is no early margin.
func (t Token) Expired(now time.Time) bool {
	return !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt)
}

// The token types never print their secrets: fmt, %#v and slog all see
// [redacted]. Use the fields directly where the secret is really needed.

func (AppToken) String() string   { return redacted }
func (AppToken) GoString() string { return redacted }

// LogValue implements slog.LogValuer: only the non-secret times.
func (t AppToken) LogValue() slog.Value {
	return slog.GroupValue(slog.String("access_token", redacted), slog.Time("obtained_at", t.ObtainedAt))
}

// Format makes every fmt verb (including %+v, %q, %x) print [redacted].
func (AppToken) Format(s fmt.State, _ rune) { _, _ = s.Write([]byte(redacted)) }

func (Token) String() string   { return redacted }
func (Token) GoString() string { return redacted }

// LogValue implements slog.LogValuer: only the non-secret times.
func (t Token) LogValue() slog.Value {
	return slog.GroupValue(slog.String("access_token", redacted), slog.String("refresh_token", redacted),
		slog.Time("expires_at", t.ExpiresAt))
}

// Format makes every fmt verb print [redacted].
func (Token) Format(s fmt.State, _ rune) { _, _ = s.Write([]byte(redacted)) }

func (Tokens) String() string   { return redacted }
func (Tokens) GoString() string { return redacted }

// LogValue implements slog.LogValuer.
func (t Tokens) LogValue() slog.Value {
	return slog.GroupValue(slog.Bool("app", t.App != nil), slog.Bool("user", t.User != nil))
}

// Format makes every fmt verb print [redacted].
func (Tokens) Format(s fmt.State, _ rune) { _, _ = s.Write([]byte(redacted)) }

// Me is the part of GET /me that tells which kind of token was sent.
type Me struct {
	AuthType      string `json:"auth_type"`
	IsApplication bool   `json:"is_application"`
	IsApplicant   bool   `json:"is_applicant"`
	IsEmployer    bool   `json:"is_employer"`
	IsAdmin       bool   `json:"is_admin"`
}

// Kind is a short human name for the token kind /me reported.
func (m Me) Kind() string {
	switch {
	case m.IsApplication || m.AuthType == "application":
		return "application"
	case m.IsEmployer:
		return "user (employer)"
	case m.IsApplicant:
		return "user (applicant)"
	case m.AuthType != "":
		return m.AuthType
	default:
		return "unknown"
	}
}

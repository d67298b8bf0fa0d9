package cli

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/auth"
	"github.com/hhjobs/hhjobs/internal/harvest"
	"github.com/hhjobs/hhjobs/internal/hhapi"
)

// TestExplainWordsDomainErrors pins the advice the edge adds to each domain
// error, byte for byte as the domain packages used to word it themselves.
func TestExplainWordsDomainErrors(t *testing.T) {
	saved := "; everything collected so far is saved. "
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"captcha with page", &harvest.StopError{Kind: harvest.StopCaptcha, Reason: "hh.ru asked for a captcha", CaptchaURL: "https://hh.ru/c"},
			"hh.ru asked for a captcha" + saved + "hh.ru wants a captcha: make sure an application token is used ('hhjobs auth app'), wait, then rerun the same command to resume (captcha page: https://hh.ru/c)"},
		{"token", &harvest.StopError{Kind: harvest.StopToken, Reason: "hh.ru refused the token (bad_authorization)", Token: "bad_authorization"},
			"hh.ru refused the token (bad_authorization)" + saved + "run 'hhjobs auth app --force' (or 'hhjobs auth login' for a user token), then rerun to resume"},
		{"forbidden", &harvest.StopError{Kind: harvest.StopForbidden, Reason: "r"},
			"r" + saved + "check 'hhjobs auth status', slow down with --rps, and rerun later to resume"},
		{"outage", &harvest.StopError{Kind: harvest.StopOutage, Reason: "r"},
			"r" + saved + "Check the network (and --api-base), then rerun the same command to resume; --max-outage sets how long a request waits for the API to come back."},
		{"unreachable wrapped", fmt.Errorf("collect: %w", &harvest.StopError{Kind: harvest.StopUnreachable, Reason: "the API could not be reached (connection refused)"}),
			"collect: the API could not be reached (connection refused)" + saved + "Check --api-base (HH_API_BASE) and the network, then rerun the same command to resume."},
		{"bad query", &harvest.StopError{Kind: harvest.StopBadQuery, Reason: "r"},
			"r" + saved + "Rerunning the query as it is fails the same way: change its filters with 'collect --replace' or remove it with 'query rm'."},
		{"already worded stop", &harvest.StopError{Kind: harvest.StopToken, Reason: "r", Hint: "Once that is done, rerun the same command to resume."},
			"r" + saved + "Once that is done, rerun the same command to resume."},
		{"unknown area id", &harvest.UnknownIDError{Kind: "area", ID: "99999999", Flag: "--area"},
			`--area "99999999": unknown area id; names work too: look names and ids up with 'hhjobs areas SEARCH'`},
		{"unknown role name", &harvest.UnknownIDError{Kind: "role", ID: "zzz"},
			`unknown role "zzz"; look names and ids up with 'hhjobs roles SEARCH'`},
		{"unknown with nearest", &harvest.UnknownIDError{Kind: "area", ID: "Моск", Nearest: []string{"Москва (1)"}},
			`unknown area "Моск"; nearest by name: Москва (1)`},
		{"deprecated role", &harvest.BadValueError{Param: "professional_role", Value: "1", Flag: "--role", Deprecated: true,
			Want: "role «X» is deprecated for search on hh.ru: pick a current one"},
			`--role "1": role «X» is deprecated for search on hh.ru: pick a current one ('hhjobs roles SEARCH')`},
		{"decode, html", fmt.Errorf("load /areas: %w", &hhapi.DecodeError{URL: "http://127.0.0.1:1/areas", StatusCode: 200, ContentType: "text/html", Snippet: "<html>"}),
			`load /areas: 127.0.0.1:1 answered 200 with a non-JSON body (text/html): is --api-base right? body starts "<html>"`},
		{"decode, bad json", &hhapi.DecodeError{URL: "http://h/x", StatusCode: 200, ContentType: "application/json", Err: errors.New("unexpected EOF")},
			`h answered 200 with a body that is not the expected JSON (application/json): unexpected EOF; is --api-base right?`},
		{"unreachable", &hhapi.UnreachableError{Base: "http://127.0.0.1:9", Err: syscall.ECONNREFUSED},
			"cannot reach the hh.ru API at http://127.0.0.1:9 (check --api-base and your network): connection refused"},
		{"joined", errors.Join(errors.New("a"), &harvest.StopError{Kind: harvest.StopForbidden, Reason: "r"}),
			"a\nr" + saved + "check 'hhjobs auth status', slow down with --rps, and rerun later to resume"},
		{"plain", errors.New("disk full"), "disk full"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := explain(c.err); got != c.want {
				t.Errorf("explain:\n got %q\nwant %q", got, c.want)
			}
		})
	}
}

// TestExplainRunMessageOnce: a run's stored message was worded by Explain
// when the run stopped; the RunError that carries it (and unwraps to the
// StopError) must not get the advice a second time.
func TestExplainRunMessageOnce(t *testing.T) {
	se := &harvest.StopError{Kind: harvest.StopOutage, Reason: fmt.Sprintf("the API did not answer for %s (timeout)", 5*time.Minute)}
	msg := explain(se)
	// finish trims the hint's final stop before it adds the failures.
	stored := strings.TrimSuffix(msg, ".") + "; 2 slices failed"
	re := &harvest.RunError{RunID: 7, Status: "stopped", Msg: stored, Err: se}
	want := "run 7 stopped: " + stored
	if got := explain(re); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// TestExplainTokenErrors covers every row of REFERENCE §3.5 at the edge: the
// line says what happened, what to do, and keeps hh.ru's codes.
func TestExplainTokenErrors(t *testing.T) {
	rows := []struct {
		status     int
		code, desc string
		want       string
	}{
		{400, "invalid_request", "account not found", "hh.ru does not know this client id/secret pair: check HH_CLIENT_ID and HH_CLIENT_SECRET against your app at dev.hh.ru [hh.ru: invalid_request: account not found]"},
		{400, "invalid_request", "account is locked", "the hh.ru account is locked: unlock it on hh.ru, then run 'hhjobs auth login'"},
		{400, "invalid_request", "password invalidated", "hh.ru requires a password reset for this account: reset it on hh.ru, then run 'hhjobs auth login'"},
		{400, "invalid_request", "login not verified", "the hh.ru account is not confirmed yet: confirm it on hh.ru, then run 'hhjobs auth login'"},
		{400, "invalid_request", "bad redirect url", "hh.ru rejected the redirect URI: set HH_REDIRECT_URI to exactly the redirect URI registered for your app at dev.hh.ru"},
		{400, "invalid_request", "token is empty", "the stored user login has no refresh token: run 'hhjobs auth login'"},
		{400, "invalid_request", "token not found", "hh.ru does not know the stored refresh token: run 'hhjobs auth login'"},
		{400, "invalid_request", "code not found", "hh.ru does not know this authorization code (mistyped, or issued to another app): run 'hhjobs auth login' again"},
		{400, "invalid_client", "client_id or client_secret not found", "hh.ru does not know this client id or secret (app deleted, or secret changed): check HH_CLIENT_ID and HH_CLIENT_SECRET at dev.hh.ru"},
		{400, "invalid_grant", "token has already been refreshed", "the refresh token was already used (by another hhjobs or a copy of tokens.json): run 'hhjobs auth login'"},
		{400, "invalid_grant", "token not expired", "hh.ru refuses to refresh a user token that has not expired yet: keep using it (if this repeats, check the system clock)"},
		{400, "invalid_grant", "token was revoked", "the user token was revoked (logged out, or the password expired): run 'hhjobs auth login'"},
		{400, "invalid_grant", "bad token", "hh.ru says the stored refresh token is malformed: run 'hhjobs auth login'"},
		{400, "invalid_grant", "code has already been used", "this authorization code was already used: run 'hhjobs auth login' again for a new one"},
		{400, "invalid_grant", "code expired", "the authorization code expired before it was exchanged: run 'hhjobs auth login' again and finish it promptly"},
		{400, "invalid_grant", "code was revoke", "the authorization code was revoked (the password expired?): run 'hhjobs auth login' again"},
		{400, "invalid_grant", "token deactivated", "the user token was deactivated (the password was changed?): run 'hhjobs auth login'"},
		{400, "unsupported_grant_type", "unsupported grant_type", "hh.ru does not support the grant type hhjobs sent: update hhjobs, and report it if the newest version fails too"},
		{403, "forbidden", "app token refresh too early", "hh.ru allows a new application token only once per 5 minutes (the current one stays valid): wait a few minutes, then retry 'hhjobs auth app --force'"},
		{400, "invalid_grant", "something new", "hh.ru refused the user login: run 'hhjobs auth login' [hh.ru: invalid_grant: something new]"},
		{400, "invalid_client", "other", "hh.ru does not know this client id or secret: check HH_CLIENT_ID and HH_CLIENT_SECRET at dev.hh.ru"},
		{500, "", "", "hh.ru's token endpoint failed (HTTP 500): retry later"},
		{404, "", "", "hh.ru's token endpoint refused the request (HTTP 404): check --api-base and your app settings at dev.hh.ru"},
	}
	for _, r := range rows {
		t.Run(r.code+"/"+r.desc, func(t *testing.T) {
			te := &auth.TokenError{StatusCode: r.status, Code: r.code, Description: r.desc}
			got := explain(fmt.Errorf("exchange: %w", te))
			if !strings.HasPrefix(got, "exchange: "+r.want) {
				t.Errorf("explain:\n got %q\nwant prefix %q", got, "exchange: "+r.want)
			}
			if page := loginPageMessage(te); strings.Contains(page, "[hh.ru:") || !strings.HasPrefix(r.want, page) {
				t.Errorf("login page %q: want the advice without hh.ru's codes", page)
			}
		})
	}
}

// TestExplainAuthErrors: auth's sentinels and typed errors get the advice
// they used to carry.
func TestExplainAuthErrors(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{auth.ErrNoAppToken, "no application token stored: run 'hhjobs auth app'"},
		{fmt.Errorf("collect: %w", auth.ErrNotLoggedIn), "collect: not logged in to hh.ru as a user: run 'hhjobs auth login'"},
		{auth.ErrLoginRequired, "the hh.ru user login is no longer valid: run 'hhjobs auth login'"},
		{auth.ErrAccessDenied, "access was denied on the hh.ru consent page: run 'hhjobs auth login' again and allow access"},
		{auth.ErrLoginTimeout, "no login redirect arrived in time: run 'hhjobs auth login' again (use --timeout for more time)"},
		{auth.ErrNoAccessToken, "hh.ru token endpoint answered 200 without an access token: check --api-base"},
		{auth.ErrNoRevocation, "hh.ru has no token revocation endpoint at this --api-base"},
		{&auth.AuthError{StatusCode: 403, Value: "bad_authorization", App: true}, "hh.ru rejected the stored application token (re-issued elsewhere or revoked): run 'hhjobs auth app --force'"},
		{&auth.AuthError{StatusCode: 403, Value: "token_expired"}, "hh.ru rejected the user token (token_expired): run 'hhjobs auth login'"},
		{&auth.AuthError{StatusCode: 403, Value: "application_not_found"}, "hh.ru says the application no longer exists: check your app at dev.hh.ru and HH_CLIENT_ID"},
		{&auth.AuthError{StatusCode: 403, Value: "user_auth_expected"}, "this hh.ru method needs a user login: run 'hhjobs auth login'"},
		{&auth.AuthError{StatusCode: 403, Value: "application_auth_expected"}, "this hh.ru method needs the application token: run 'hhjobs auth app'"},
		{&auth.AuthError{StatusCode: 403, Value: "odd"}, "hh.ru refused the token (HTTP 403, oauth odd)"},
		{&auth.LoginError{Code: "server_error"}, "hh.ru login failed (server_error): run 'hhjobs auth login' again"},
		{&auth.ListenError{Addr: "127.0.0.1:8080", Err: errors.New("address in use")}, "listen on 127.0.0.1:8080 for the login redirect (is another 'hhjobs auth login' running? the port comes from HH_REDIRECT_URI): address in use"},
		{&auth.CorruptTokensError{Path: "/x/tokens.json"}, "read /x/tokens.json: not valid JSON: delete it and run 'hhjobs auth app' / 'hhjobs auth login' again"},
	}
	for _, c := range cases {
		if got := explain(c.err); got != c.want {
			t.Errorf("explain(%T):\n got %q\nwant %q", c.err, got, c.want)
		}
	}
}

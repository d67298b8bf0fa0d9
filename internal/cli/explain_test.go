package cli

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

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

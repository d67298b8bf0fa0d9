package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/hhjobs/hhjobs/internal/auth"
)

// checkStoredApp asks hh.ru (GET /me) whether the stored application token
// still works, when ask is set and a token is stored. It returns the token
// it checked and whether hh.ru rejected it; an unreachable hh.ru is an
// error, and nothing is changed.
func checkStoredApp(ctx context.Context, c *auth.Client, st *auth.TokenStore, ask bool) (checked string, rejected bool, err error) {
	if !ask {
		return "", false, nil
	}
	toks, err := st.Load()
	if err != nil {
		return "", false, err
	}
	if toks.App == nil || toks.App.AccessToken == "" {
		return "", false, nil
	}
	checked = toks.App.AccessToken
	_, err = c.Me(ctx, checked)
	var ae *auth.AuthError
	switch {
	case err == nil:
		return checked, false, nil
	case errors.As(err, &ae):
		return checked, true, nil
	}
	return "", false, fmt.Errorf("could not ask hh.ru whether the stored application token still works (%w); nothing was changed: retry, or run 'hhjobs auth app --force --force' to re-issue it without asking", err)
}

// keptAppMessage says why auth app kept the stored token.
func keptAppMessage(kept *auth.AppToken, force int, rejected bool, checked string) string {
	switch {
	case force == 1 && kept.AccessToken != checked:
		return fmt.Sprintf("Another hhjobs stored a new application token a moment ago (obtained %s); keeping it.", fmtTime(kept.ObtainedAt))
	case force == 1:
		return fmt.Sprintf("hh.ru accepts the stored application token (obtained %s; asked just now with GET /me): keeping it, since re-issuing would revoke it for every running hhjobs. To re-issue it anyway, run 'hhjobs auth app --force --force'.",
			fmtTime(kept.ObtainedAt))
	}
	return fmt.Sprintf("An application token is already stored (obtained %s); keeping it. Re-issuing would revoke it for every running hhjobs: 'hhjobs auth app --force' re-issues it if hh.ru rejects it.",
		fmtTime(kept.ObtainedAt))
}

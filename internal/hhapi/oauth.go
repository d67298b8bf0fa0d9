package hhapi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// The token endpoint (REFERENCE §3.5) on the API host: the OAuth half of
// the same client, so that auth builds no requests and decodes no errors of
// its own. Credentials travel in the form body, the access token of a
// revocation in the Authorization header the caller's *http.Client sets.

// TokenResponse is a 200 answer of the token endpoint.
type TokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
}

// tokenPaths: hh.ru moved the endpoint from /oauth/token to /token; an API
// that answers the first with 404 (or 405 for DELETE) gets the second.
var tokenPaths = []string{"token", "oauth/token"}

// PostToken posts form to the token endpoint. An error answer is an
// *OAuthError ({"error", "error_description"}) or, for other bodies, the
// *APIError CheckResponse gives; a 200 whose body is not JSON is a
// *DecodeError. The form (it holds the client secret) is never logged or
// put in an error.
func (c *Client) PostToken(ctx context.Context, form url.Values) (*TokenResponse, error) {
	body := form.Encode()
	for i, path := range tokenPaths {
		req, err := c.NewRequest(ctx, http.MethodPost, path, nil)
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(strings.NewReader(body))
		req.ContentLength = int64(len(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(body)), nil }
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := c.HTTP.Do(req)
		if err != nil {
			return nil, c.wrapTransportErr(req, err)
		}
		if resp.StatusCode == http.StatusNotFound && i == 0 {
			drainClose(resp)
			continue
		}
		defer drainClose(resp)
		if err := DecodeOAuthError(resp); err != nil {
			return nil, err
		}
		data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		if err != nil {
			return nil, err
		}
		var t TokenResponse
		if err := decodeJSON(resp, req, data, &t); err != nil {
			var de *DecodeError
			if errors.As(err, &de) {
				// A token answer in another form (e.g. form-encoded) would
				// put the token itself into the error's body snippet.
				de.Snippet = "(not shown: a token endpoint's answer)"
			}
			return nil, err
		}
		return &t, nil
	}
	return nil, errors.New("hhapi: no token endpoint") // not reached: the last path always returns
}

// RevokeToken revokes the user token the HTTP client authorizes with
// (DELETE on the token endpoint; hh.ru answers 204). An API without the
// endpoint answers both paths with 404 or 405: that *APIError is returned.
func (c *Client) RevokeToken(ctx context.Context) error {
	var last error
	for i, path := range tokenPaths {
		req, err := c.NewRequest(ctx, http.MethodDelete, path, nil)
		if err != nil {
			return err
		}
		resp, err := c.HTTP.Do(req)
		if err != nil {
			return c.wrapTransportErr(req, err)
		}
		err = CheckResponse(resp)
		drainClose(resp)
		if err == nil {
			return nil
		}
		last = err
		if (resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed) && i == 0 {
			continue
		}
		return err
	}
	return last
}

func drainClose(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
}

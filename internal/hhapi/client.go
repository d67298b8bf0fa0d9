// Package hhapi is a typed client for the hh.ru (HeadHunter) REST API in
// the style of go-github: a Client with an injectable BaseURL and
// *http.Client, one method per resource, and CheckResponse turning non-2xx
// answers into typed errors (*APIError, with sentinels for errors.Is).
//
// Authentication, User-Agent, rate limiting and retries are not done here:
// pass an *http.Client built by internal/httpx (and the auth layer).
package hhapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/hhjobs/hhjobs/internal/httpx"
)

// DefaultAPIBase is the production API as users write it (--api-base) and
// auth uses it; DefaultBaseURL is the same with the slash that resolving
// relative paths needs. The one definition of hh.ru's API address.
const (
	DefaultAPIBase = "https://api.hh.ru"
	DefaultBaseURL = DefaultAPIBase + "/"
)

var urlParse = url.Parse

// Client talks to the hh.ru API.
type Client struct {
	// BaseURL always ends with a slash; paths are resolved against it, so
	// a prefix such as http://127.0.0.1:8080/hh/ works.
	BaseURL *url.URL
	HTTP    *http.Client

	clock serverClock // the server's clock, from Date headers (clock.go)
}

// New returns a Client for baseURL ("" = DefaultBaseURL). The URL must be
// absolute http(s) with a host. A nil hc means http.DefaultClient (which
// sends no User-Agent: use internal/httpx in real code).
func New(baseURL string, hc *http.Client) (*Client, error) {
	if strings.TrimSpace(baseURL) == "" {
		baseURL = DefaultBaseURL
	}
	u, err := url.Parse(strings.TrimSpace(baseURL))
	if err != nil {
		return nil, fmt.Errorf("invalid API base URL %q: %w", baseURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("invalid API base URL %q: scheme must be http or https (e.g. %s)", baseURL, DefaultBaseURL)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("invalid API base URL %q: no host (e.g. %s)", baseURL, DefaultBaseURL)
	}
	if u.User != nil {
		return nil, fmt.Errorf("invalid API base URL: credentials in the URL are not supported")
	}
	u.RawQuery, u.Fragment, u.RawFragment = "", "", ""
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
		if u.RawPath != "" {
			u.RawPath += "/"
		}
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Client{BaseURL: u, HTTP: hc}, nil
}

// NewRequest builds a GET-style request for path (relative to BaseURL, no
// leading slash needed) with query q. It sets Accept: application/json.
func (c *Client) NewRequest(ctx context.Context, method, path string, q url.Values) (*http.Request, error) {
	rel, err := url.Parse(strings.TrimPrefix(path, "/"))
	if err != nil {
		return nil, fmt.Errorf("hhapi: bad path %q: %w", path, err)
	}
	u := c.BaseURL.ResolveReference(rel)
	if len(q) > 0 {
		u.RawQuery = q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	return req, nil
}

// Do sends req, checks the status with CheckResponse and decodes a JSON
// body into v (if non-nil). The body is always read and closed.
func (c *Client) Do(req *http.Request, v any) (*http.Response, error) {
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, c.wrapTransportErr(req, err)
	}
	defer resp.Body.Close()
	c.clock.observe(resp.Header, time.Now())
	if err := CheckResponse(resp); err != nil {
		return resp, err
	}
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp, fmt.Errorf("hhapi: %s %s: read body: %w", req.Method, httpx.RedactURL(req.URL), err)
	}
	if v == nil {
		return resp, nil
	}
	if err := decodeJSON(resp, req, data, v); err != nil {
		return resp, err
	}
	return resp, nil
}

func decodeJSON(resp *http.Response, req *http.Request, data []byte, v any) error {
	ct := resp.Header.Get("Content-Type")
	trimmed := bytes.TrimSpace(data)
	// Decide on the body, not the header: an HTML page never starts with
	// { or [, and a mislabelled JSON body is still usable.
	if len(trimmed) == 0 || (trimmed[0] != '{' && trimmed[0] != '[') {
		return &DecodeError{URL: httpx.RedactURL(req.URL), StatusCode: resp.StatusCode, ContentType: ct, Snippet: oneLine(data, 80)}
	}
	if err := json.Unmarshal(data, v); err != nil {
		return &DecodeError{URL: httpx.RedactURL(req.URL), StatusCode: resp.StatusCode, ContentType: ct, Snippet: oneLine(data, 80), Err: err}
	}
	return nil
}

// wrapTransportErr rewrites *url.Error (whose message has the full URL)
// with a redacted URL, and a server that does not answer at all as an
// *UnreachableError.
func (c *Client) wrapTransportErr(req *http.Request, err error) error {
	if ctxErr := req.Context().Err(); ctxErr != nil && errors.Is(err, ctxErr) {
		return err
	}
	inner := err
	var ue *url.Error
	if errors.As(err, &ue) {
		inner = ue.Err
	}
	var dnsErr *net.DNSError
	if errors.Is(err, syscall.ECONNREFUSED) || (errors.As(err, &dnsErr) && dnsErr.IsNotFound) {
		return &UnreachableError{Base: httpx.RedactURL(c.BaseURL), Err: inner}
	}
	return fmt.Errorf("hhapi: %s %s: %w", req.Method, httpx.RedactURL(req.URL), inner)
}

func (c *Client) get(ctx context.Context, path string, q url.Values, v any) error {
	req, err := c.NewRequest(ctx, http.MethodGet, path, q)
	if err != nil {
		return err
	}
	_, err = c.Do(req, v)
	return err
}

// SearchVacancies runs GET /vacancies with p.Values().
func (c *Client) SearchVacancies(ctx context.Context, p SearchParams) (*SearchPage, error) {
	var page SearchPage
	req, err := c.NewRequest(ctx, http.MethodGet, "vacancies", p.Values())
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req, &page)
	if err != nil {
		return nil, err
	}
	page.Date, _ = http.ParseTime(resp.Header.Get("Date"))
	return &page, nil
}

// Vacancy fetches the full vacancy GET /vacancies/{id}.
func (c *Client) Vacancy(ctx context.Context, id string) (*Vacancy, error) {
	if strings.TrimSpace(id) == "" {
		return nil, errors.New("hhapi: empty vacancy id")
	}
	var v Vacancy
	if err := c.get(ctx, "vacancies/"+url.PathEscape(id), nil, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// Dictionaries fetches GET /dictionaries.
func (c *Client) Dictionaries(ctx context.Context) (*Dictionaries, error) {
	var d Dictionaries
	if err := c.get(ctx, "dictionaries", nil, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// Areas fetches the whole GET /areas tree (roots are countries).
func (c *Client) Areas(ctx context.Context) ([]Area, error) {
	var a []Area
	if err := c.get(ctx, "areas", nil, &a); err != nil {
		return nil, err
	}
	return a, nil
}

// ProfessionalRoles fetches GET /professional_roles.
func (c *Client) ProfessionalRoles(ctx context.Context) (*RoleCatalog, error) {
	var r RoleCatalog
	if err := c.get(ctx, "professional_roles", nil, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// Industries fetches the two-level GET /industries.
// Unused by hhjobs so far (deadcode lists it); kept, tested on the sandbox, for
// the employer and industry analytics to come.
func (c *Client) Industries(ctx context.Context) ([]Industry, error) {
	var ind []Industry
	if err := c.get(ctx, "industries", nil, &ind); err != nil {
		return nil, err
	}
	return ind, nil
}

// Employer fetches GET /employers/{id}.
func (c *Client) Employer(ctx context.Context, id string) (*Employer, error) {
	if strings.TrimSpace(id) == "" {
		return nil, errors.New("hhapi: empty employer id")
	}
	var e Employer
	if err := c.get(ctx, "employers/"+url.PathEscape(id), nil, &e); err != nil {
		return nil, err
	}
	return &e, nil
}

// Me fetches GET /me (use it to validate a token): auth.Client.Me calls it
// with the token to check.
func (c *Client) Me(ctx context.Context) (*Me, error) {
	var m Me
	if err := c.get(ctx, "me", nil, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

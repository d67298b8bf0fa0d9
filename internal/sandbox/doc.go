// Package sandbox is an in-process emulator of the hh.ru API (api.hh.ru)
// and its OAuth endpoints, as an http.Handler. It serves a deterministic,
// realistic dataset built from real reference data embedded in the binary
// (areas, dictionaries, professional roles, industries and a sample of real
// full vacancies) and is as strict as hh.ru wherever REFERENCE.md knows how
// hh.ru behaves.
//
// Enforced (all errors carry request_id, every answer an X-Request-Id):
//
//   - User-Agent or HH-User-Agent (HH-User-Agent wins) on API and token
//     endpoints: 400 bad_user_agent/unset, or /blacklisted for the
//     documentation sample agents.
//   - Tokens: /vacancies and /vacancies/{id} need an app or user token
//     (none → 403 forbidden); any sent token is validated on every API path
//     (403 oauth bad_authorization / token_expired / token_revoked).
//     Dictionaries, areas, roles, industries and employers are anonymous.
//   - /vacancies: parameter validation (unknown ids → 400 bad_argument with
//     the parameter name; comma lists are not split; unknown parameter names
//     are ignored), per_page ≤ 100 (0 = probe: found only, pages 0), the
//     2000-depth rule with hh.ru's exact body, period ≤ 30 and exclusive with
//     date_from/date_to, date_to only with date_from, dates only as
//     YYYY-MM-DD (Moscow midnight) or YYYY-MM-DDThh:mm:ss±hhmm (an unencoded
//     "+" arrives as a space and is a bad date).
//   - Date windows: both bounds are rounded down to the 5-minute grid and both
//     are inclusive at bucket granularity: a vacancy matches when
//     floor5(date_from) ≤ published_at < floor5(date_to)+5min, so adjacent
//     windows sharing a bound overlap by one bucket (dedupe by id).
//   - Orders: publication_time (newest first, ties by id desc), relevance
//     (the default; a stable pseudo-random order, deliberately different
//     from publication_time), salary_desc, salary_asc, distance (needs
//     sort_point_lat/lng).
//   - Salary filter: a vacancy with salary matches when its [from, to] range
//     (open ends allowed), converted to roubles with /dictionaries rates,
//     covers the amount; vacancies without salary match unless
//     only_with_salary=true or label=with_salary. Amounts are compared as
//     given (an hourly rate is not converted to a month).
//   - OAuth: authorize (302 straight to the redirect with code and state;
//     redirect_uri rule of REFERENCE §3.2), token grants client_credentials,
//     authorization_code, refresh_token with hh.ru's error codes and texts,
//     app-token re-issue limit and revocation of the previous app token,
//     DELETE /token and /oauth/token for user tokens.
//
// Switchable behaviour (Config): per-IP rate limit with a token bucket of
// max(1, RPS/2) tokens refilled at RPS per second of wall time (429 with an
// errors envelope of type too_many_requests, Retry-After: 1 when
// Config.RetryAfter); Latency; FaultRate (503 JSON, 503 HTML, or a dropped
// connection, never on /_sandbox or the OAuth endpoints); CaptchaAfter
// (403 captcha_required on vacancy requests); Drift (new vacancies per
// second of Config.Now time, checked on each API request).
//
// Simulated time (market.go): Config.Now may be a SimClock, which stands
// still until moved; every answer's Date header follows Config.Now. With
// Config.Market the dataset is a simulated market instead: it starts empty
// at Now and, as Now moves, vacancies arrive, are republished, change pay
// and are archived after a log-normal lifetime whose truth
// GET /_sandbox/market reports.
//
// Admin HTTP (no UA, no token): GET /_sandbox/truth?<search params> →
// {"found":N,"ids":[…]}; POST /_sandbox/publish|archive|remove|change?n=K →
// {"ids":[…]}; GET /_sandbox/stats; POST /_sandbox/reset_stats;
// POST /_sandbox/app_token → {"access_token","token_type"}.
//
// Not emulated: clusters and describe_arguments (always null), the hh query
// language beyond plain words (text matches whole words, all of them,
// case-insensitively, ё = е), ETag/304, /suggests, /metro, negotiations.
package sandbox

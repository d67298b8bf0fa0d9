-- hhjobs schema for SQLite. Timestamps are INTEGER unix milliseconds (UTC);
-- dates are TEXT 'YYYY-MM-DD'; booleans are INTEGER 0/1; JSON is TEXT.
-- Every column is documented in docs/schema.md.

-- +goose Up
CREATE TABLE queries (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT    NOT NULL UNIQUE,
    params     TEXT    NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE runs (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    query_id       INTEGER NOT NULL REFERENCES queries (id) ON DELETE CASCADE,
    status         TEXT    NOT NULL,
    started_at     INTEGER NOT NULL,
    finished_at    INTEGER,
    upper_bound    INTEGER NOT NULL,
    details        TEXT    NOT NULL DEFAULT '',
    error          TEXT    NOT NULL DEFAULT '',
    n_requests     INTEGER NOT NULL DEFAULT 0,
    n_requests_429 INTEGER NOT NULL DEFAULT 0,
    n_retries      INTEGER NOT NULL DEFAULT 0,
    n_pages        INTEGER NOT NULL DEFAULT 0,
    n_details      INTEGER NOT NULL DEFAULT 0,
    n_new          INTEGER NOT NULL DEFAULT 0,
    n_changed      INTEGER NOT NULL DEFAULT 0,
    n_unchanged    INTEGER NOT NULL DEFAULT 0,
    n_closed       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX runs_query ON runs (query_id, id);

CREATE TABLE slices (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    parent_id   INTEGER REFERENCES slices (id) ON DELETE CASCADE,
    params      TEXT    NOT NULL DEFAULT '{}',
    state       TEXT    NOT NULL,
    found       INTEGER NOT NULL DEFAULT -1,
    pages       INTEGER NOT NULL DEFAULT 0,
    stored      INTEGER NOT NULL DEFAULT 0,
    worker      TEXT    NOT NULL DEFAULT '',
    lease_until INTEGER,
    error       TEXT    NOT NULL DEFAULT '',
    updated_at  INTEGER NOT NULL
);
CREATE INDEX slices_run_state ON slices (run_id, state);

CREATE TABLE vacancies (
    id                 TEXT    PRIMARY KEY,
    name               TEXT    NOT NULL DEFAULT '',
    area_id            TEXT,
    area_name          TEXT,
    employer_id        TEXT,
    employer_name      TEXT,
    experience_id      TEXT,
    employment_form_id TEXT,
    work_format        TEXT,
    schedule_id        TEXT,
    salary_from        INTEGER,
    salary_to          INTEGER,
    salary_currency    TEXT,
    salary_gross       INTEGER,
    salary_mode        TEXT,
    salary_frequency   TEXT,
    published_at       INTEGER NOT NULL,
    created_at         INTEGER,
    initial_created_at INTEGER,
    archived           INTEGER NOT NULL DEFAULT 0,
    first_seen_at      INTEGER NOT NULL,
    last_seen_at       INTEGER NOT NULL,
    closed_at          INTEGER,
    detail_fetched_at  INTEGER,
    changed_at         INTEGER,
    -- The raw JSON goes last: SQLite reads a row's columns in order, and a
    -- column after a multi-kilobyte value costs a walk of its overflow pages.
    raw_item           TEXT,
    raw_full           TEXT
);
CREATE INDEX vacancies_published ON vacancies (published_at);

CREATE TABLE vacancy_versions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    vacancy_id      TEXT    NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    observed_at     INTEGER NOT NULL,
    name            TEXT    NOT NULL DEFAULT '',
    area_id         TEXT,
    role_ids        TEXT    NOT NULL DEFAULT '',
    salary_from     INTEGER,
    salary_to       INTEGER,
    salary_currency TEXT,
    salary_gross    INTEGER,
    published_at    INTEGER NOT NULL
);
CREATE INDEX vacancy_versions_vacancy ON vacancy_versions (vacancy_id, observed_at);

CREATE TABLE vacancy_skills (
    vacancy_id TEXT    NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    skill      TEXT    NOT NULL,
    position   INTEGER NOT NULL,
    PRIMARY KEY (vacancy_id, position)
) WITHOUT ROWID;

CREATE TABLE vacancy_roles (
    vacancy_id TEXT    NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    role_id    TEXT    NOT NULL,
    role_name  TEXT    NOT NULL DEFAULT '',
    position   INTEGER NOT NULL,
    PRIMARY KEY (vacancy_id, position)
) WITHOUT ROWID;
CREATE INDEX vacancy_roles_role ON vacancy_roles (role_id);

CREATE TABLE employers (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL DEFAULT ''
);

CREATE TABLE areas (
    id        TEXT PRIMARY KEY,
    parent_id TEXT,
    name      TEXT NOT NULL DEFAULT ''
);

CREATE TABLE professional_roles (
    id                TEXT    PRIMARY KEY,
    name              TEXT    NOT NULL DEFAULT '',
    category_id       TEXT    NOT NULL DEFAULT '',
    category_name     TEXT    NOT NULL DEFAULT '',
    search_deprecated INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE currency_rates (
    date TEXT NOT NULL,
    code TEXT NOT NULL,
    rate REAL NOT NULL,
    PRIMARY KEY (date, code)
);

CREATE TABLE query_vacancies (
    query_id     INTEGER NOT NULL REFERENCES queries (id) ON DELETE CASCADE,
    vacancy_id   TEXT    NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    first_run_id INTEGER NOT NULL,
    last_run_id  INTEGER NOT NULL,
    PRIMARY KEY (query_id, vacancy_id)
) WITHOUT ROWID;
CREATE INDEX query_vacancies_vacancy ON query_vacancies (vacancy_id);

CREATE VIEW v_vacancies AS
SELECT
    v.id,
    v.name,
    v.area_id,
    COALESCE(a.name, v.area_name)         AS area_name,
    a.parent_id                           AS region_id,
    p.name                                AS region_name,
    v.employer_id,
    COALESCE(e.name, v.employer_name)     AS employer_name,
    (SELECT group_concat(r.role_id, ', ' ORDER BY r.position)
       FROM vacancy_roles r WHERE r.vacancy_id = v.id) AS role_ids,
    (SELECT group_concat(COALESCE(NULLIF(r.role_name, ''), pr.name, r.role_id), ', ' ORDER BY r.position)
       FROM vacancy_roles r LEFT JOIN professional_roles pr ON pr.id = r.role_id
      WHERE r.vacancy_id = v.id)          AS roles,
    v.experience_id,
    v.employment_form_id,
    REPLACE(v.work_format, ',', ', ')     AS work_formats,
    v.schedule_id,
    v.salary_from,
    v.salary_to,
    v.salary_currency,
    v.salary_gross,
    v.salary_mode,
    v.salary_frequency,
    v.archived,
    strftime('%Y-%m-%dT%H:%M:%SZ', v.published_at / 1000, 'unixepoch')      AS published_at,
    strftime('%Y-%m-%dT%H:%M:%SZ', v.first_seen_at / 1000, 'unixepoch')     AS first_seen_at,
    strftime('%Y-%m-%dT%H:%M:%SZ', v.last_seen_at / 1000, 'unixepoch')      AS last_seen_at,
    strftime('%Y-%m-%dT%H:%M:%SZ', v.closed_at / 1000, 'unixepoch')         AS closed_at,
    strftime('%Y-%m-%dT%H:%M:%SZ', v.detail_fetched_at / 1000, 'unixepoch') AS detail_fetched_at
FROM vacancies v
LEFT JOIN areas a     ON a.id = v.area_id
LEFT JOIN areas p     ON p.id = a.parent_id
LEFT JOIN employers e ON e.id = v.employer_id;

CREATE VIEW v_vacancy_skills AS
SELECT s.vacancy_id, v.name AS vacancy_name, s.skill
FROM vacancy_skills s
JOIN vacancies v ON v.id = s.vacancy_id;

-- +goose Down
DROP VIEW v_vacancy_skills;
DROP VIEW v_vacancies;
DROP TABLE query_vacancies;
DROP TABLE currency_rates;
DROP TABLE professional_roles;
DROP TABLE areas;
DROP TABLE employers;
DROP TABLE vacancy_roles;
DROP TABLE vacancy_skills;
DROP TABLE vacancy_versions;
DROP TABLE vacancies;
DROP TABLE slices;
DROP TABLE runs;
DROP TABLE queries;

-- Schema 3: views every SQLite reader can open, and one meaning of region.
--
-- A reader parses every view when it opens the file, so one view with newer
-- syntax makes the whole file unreadable ("malformed database schema"). The
-- views of schemas 1 and 2 ordered group_concat's arguments inside the call
-- (group_concat(x, ', ' ORDER BY position)), which needs SQLite 3.44; Debian
-- 12 ships 3.40 and Ubuntu 22.04 3.37, and Python's sqlite3 uses the system
-- library. The lists are now aggregated over a subquery ordered by position:
-- SQLite never flattens an ordered subquery into an aggregate query, so
-- group_concat sees the rows in that order, in every version.
--
-- No schema object may use syntax newer than SQLite 3.37 (docs/schema.md).
-- The tables already comply: the generated column core uses json_array
-- (JSON1, built into every Debian, Ubuntu and Python build since long before
-- 3.37, and into SQLite itself since 3.38).
--
-- region_id and region_name now mean what region means in the exports,
-- stats --by region and the report (docs/methodology.md §3): the area's
-- ancestor directly under a root of the /areas tree (a country); an area
-- that is itself a root, sits directly under one, or is missing from the
-- tree is its own region. The area's direct parent, which region_* used to
-- be, is kept as parent_area_id and parent_area_name.
--
-- Only views change: no row is touched. goose runs this in one transaction.

-- +goose Up
DROP VIEW v_vacancy_skills;
DROP VIEW v_vacancies;

CREATE VIEW v_vacancies AS
WITH RECURSIVE area_region (area_id, region_id, descend) AS (
    -- Roots, areas directly under a root and areas whose parent is not in
    -- the tree are their own region; the descent starts from all but roots.
    SELECT a.id, a.id, a.parent_id IS NOT NULL
      FROM areas a
     WHERE a.parent_id IS NULL
        OR NOT EXISTS (SELECT 1 FROM areas g WHERE g.id = a.parent_id AND g.parent_id IS NOT NULL)
    UNION ALL
    SELECT c.id, r.region_id, 1
      FROM area_region r
      JOIN areas c ON c.parent_id = r.area_id
     WHERE r.descend
)
SELECT
    v.id,
    v.name,
    v.area_id,
    COALESCE(a.name, v.area_name)         AS area_name,
    COALESCE(ar.region_id, v.area_id)     AS region_id,
    COALESCE(NULLIF(rg.name, ''),
        CASE WHEN COALESCE(ar.region_id, v.area_id) = v.area_id THEN v.area_name END) AS region_name,
    a.parent_id                           AS parent_area_id,
    p.name                                AS parent_area_name,
    v.employer_id,
    COALESCE(e.name, v.employer_name)     AS employer_name,
    (SELECT group_concat(o.role_id, ', ')
       FROM (SELECT r.role_id
               FROM vacancy_roles r
              WHERE r.vacancy_id = v.id
              ORDER BY r.position) o)     AS role_ids,
    (SELECT group_concat(o.role_name, ', ')
       FROM (SELECT COALESCE(NULLIF(r.role_name, ''), pr.name, r.role_id) AS role_name
               FROM vacancy_roles r
               LEFT JOIN professional_roles pr ON pr.id = r.role_id
              WHERE r.vacancy_id = v.id
              ORDER BY r.position) o)     AS roles,
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
LEFT JOIN areas a         ON a.id = v.area_id
LEFT JOIN areas p         ON p.id = a.parent_id
LEFT JOIN area_region ar  ON ar.area_id = v.area_id
LEFT JOIN areas rg        ON rg.id = ar.region_id
LEFT JOIN employers e     ON e.id = v.employer_id;

CREATE VIEW v_vacancy_skills AS
SELECT s.vacancy_id, v.name AS vacancy_name, s.skill
FROM vacancy_skills s
JOIN vacancies v ON v.id = s.vacancy_id;

-- +goose Down
-- The views of schema 2 (they need SQLite 3.44 to open).
DROP VIEW v_vacancy_skills;
DROP VIEW v_vacancies;

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

-- Schema 2: region_* of v_vacancies means what region means in the exports,
-- stats --by region and the report (docs/methodology.md §3): the area's
-- ancestor directly under a root of the /areas tree (a country); an area that
-- is itself a root, sits directly under one, or is missing from the tree is
-- its own region. The direct parent, which region_* used to be, is kept as
-- parent_area_id and parent_area_name. The SQLite views (its schema 3) say
-- the same. Only the views change; goose runs this in one transaction.

-- +goose Up
DROP VIEW v_vacancy_skills;
DROP VIEW v_vacancies;

CREATE VIEW v_vacancies AS
WITH RECURSIVE area_region (area_id, region_id, descend) AS (
    SELECT a.id, a.id, a.parent_id IS NOT NULL
      FROM areas a
     WHERE a.parent_id IS NULL
        OR NOT EXISTS (SELECT 1 FROM areas g WHERE g.id = a.parent_id AND g.parent_id IS NOT NULL)
    UNION ALL
    SELECT c.id, r.region_id, TRUE
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
    (SELECT string_agg(r.role_id, ', ' ORDER BY r.position)
       FROM vacancy_roles r WHERE r.vacancy_id = v.id) AS role_ids,
    (SELECT string_agg(COALESCE(NULLIF(r.role_name, ''), pr.name, r.role_id), ', ' ORDER BY r.position)
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
    v.published_at AS published_at,
    v.first_seen_at AS first_seen_at,
    v.last_seen_at AS last_seen_at,
    v.closed_at AS closed_at,
    v.detail_fetched_at AS detail_fetched_at
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
    (SELECT string_agg(r.role_id, ', ' ORDER BY r.position)
       FROM vacancy_roles r WHERE r.vacancy_id = v.id) AS role_ids,
    (SELECT string_agg(COALESCE(NULLIF(r.role_name, ''), pr.name, r.role_id), ', ' ORDER BY r.position)
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
    v.published_at AS published_at,
    v.first_seen_at AS first_seen_at,
    v.last_seen_at AS last_seen_at,
    v.closed_at AS closed_at,
    v.detail_fetched_at AS detail_fetched_at
FROM vacancies v
LEFT JOIN areas a     ON a.id = v.area_id
LEFT JOIN areas p     ON p.id = a.parent_id
LEFT JOIN employers e ON e.id = v.employer_id;

CREATE VIEW v_vacancy_skills AS
SELECT s.vacancy_id, v.name AS vacancy_name, s.skill
FROM vacancy_skills s
JOIN vacancies v ON v.id = s.vacancy_id;

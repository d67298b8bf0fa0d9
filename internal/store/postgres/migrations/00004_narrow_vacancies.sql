-- Schema 4: a narrow vacancies table for the analytics walk, as SQLite's
-- schema 2. A walk over a million vacancies read ~1.5 GB of heap (the raw
-- JSON of a search item stays inline: a row under 2 kB is never TOASTed)
-- and two more queries per chunk for roles and skills. Now:
--   * the raw JSON lives in vacancy_raw (one row per vacancy that has any);
--   * vacancies carries its roles (role_ids, role_names, in API order) and
--     key skills (key_skills: NULL until details are fetched) as arrays, so
--     a chunk of the walk is one range scan of one narrow table.
-- vacancy_roles and vacancy_skills stay, written in the same transactions
-- (the views, EachSkill and loadTracked read them), which also makes Down
-- lossless. CLUSTER rewrites the table in id order without the dead tuples
-- the UPDATE leaves (allowed in a transaction when the table is named).

-- +goose Up
CREATE TABLE vacancy_raw (
    id       TEXT COLLATE "C" PRIMARY KEY REFERENCES vacancies (id) ON DELETE CASCADE,
    raw_item JSONB,
    raw_full JSONB
);
INSERT INTO vacancy_raw (id, raw_item, raw_full)
SELECT id, raw_item, raw_full FROM vacancies WHERE raw_item IS NOT NULL OR raw_full IS NOT NULL;

ALTER TABLE vacancies
    DROP COLUMN raw_item,
    DROP COLUMN raw_full,
    ADD COLUMN role_ids   TEXT[] NOT NULL DEFAULT '{}',
    ADD COLUMN role_names TEXT[] NOT NULL DEFAULT '{}',
    ADD COLUMN key_skills TEXT[];

UPDATE vacancies v SET
    role_ids   = COALESCE((SELECT array_agg(r.role_id ORDER BY r.position) FROM vacancy_roles r WHERE r.vacancy_id = v.id), '{}'),
    role_names = COALESCE((SELECT array_agg(r.role_name ORDER BY r.position) FROM vacancy_roles r WHERE r.vacancy_id = v.id), '{}'),
    key_skills = CASE WHEN v.detail_fetched_at IS NOT NULL THEN
        COALESCE((SELECT array_agg(s.skill ORDER BY s.position) FROM vacancy_skills s WHERE s.vacancy_id = v.id), '{}') END;

CLUSTER vacancies USING vacancies_pkey;
ANALYZE vacancies;

-- +goose Down
ALTER TABLE vacancies ADD COLUMN raw_item JSONB, ADD COLUMN raw_full JSONB;
UPDATE vacancies v SET raw_item = r.raw_item, raw_full = r.raw_full FROM vacancy_raw r WHERE r.id = v.id;
DROP TABLE vacancy_raw;
ALTER TABLE vacancies DROP COLUMN role_ids, DROP COLUMN role_names, DROP COLUMN key_skills;
CLUSTER vacancies USING vacancies_pkey;

-- Schema 2: hh.ru's /dictionaries (experience, work_format, currency, …),
-- stored so that every enumerated filter of a query is checked locally
-- before it is saved or sent. pos keeps the API's order for messages.

-- +goose Up
CREATE TABLE dictionaries (
    dict TEXT    NOT NULL,
    id   TEXT    NOT NULL,
    name TEXT    NOT NULL DEFAULT '',
    pos  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (dict, id)
);

-- +goose Down
DROP TABLE dictionaries;

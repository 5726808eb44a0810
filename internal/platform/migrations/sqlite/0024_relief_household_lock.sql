-- +goose Up
-- One row per household (its worker) and year, touched by every grant before
-- it reads the household's sums: on PostgreSQL the row lock makes two
-- approvals for the same household wait for each other, so together they never
-- pass the household's yearly cap. (SQLite's one writer serialises them anyway.)
CREATE TABLE relief_household_years (
    worker_id INTEGER NOT NULL REFERENCES workers (id),
    year INTEGER NOT NULL,
    PRIMARY KEY (worker_id, year)
);

-- +goose Down
DROP TABLE relief_household_years;

-- Enums and composites for tests/tables_types.rs: odd labels, nullable record fields,
-- nested records, arrays of both, and types in another schema.
CREATE TYPE mood AS ENUM ('happy', 'in progress', 'Self');
CREATE SCHEMA jobs;
CREATE TYPE jobs.task_state AS ENUM ('pending', 'done');
CREATE TYPE pair AS (name text, "odd name" bytea);
CREATE TYPE labelled AS (
    label text,
    mood mood,
    pairs pair[],
    moods mood[],
    at timestamptz,
    amount numeric,
    ref uuid,
    doc jsonb,
    n integer
);
CREATE TYPE jobs.slot AS (state jobs.task_state, inner_pair pair);

CREATE TABLE things (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    mood mood NOT NULL,
    moods mood[],
    p pair,
    ps pair[],
    l labelled,
    state jobs.task_state,
    slot jobs.slot
);

CREATE TABLE jobs.task (
    id integer PRIMARY KEY,
    state jobs.task_state NOT NULL,
    slots jobs.slot[] NOT NULL
);

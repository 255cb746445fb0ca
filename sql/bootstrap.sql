-- The fastgen catalog, stored in the database file so that any DuckDB that opens it (Python or the plain
-- CLI) can sample. Idempotent: run on every connect.
CREATE SCHEMA IF NOT EXISTS fastgen;

CREATE TABLE IF NOT EXISTS fastgen.generators (
    name       VARCHAR PRIMARY KEY,
    spec       VARCHAR NOT NULL,          -- the JSON spec; the macro and parameter table are compiled from it
    created_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
);

-- 2^20 row numbers: a persisted table scans in parallel, range() does not.
CREATE TABLE IF NOT EXISTS fastgen.counter AS SELECT range::INTEGER AS i FROM range(1048576);

-- fastgen_sample(gen, n, seed := 42, start := 0, scale := 1): rows [start, start + n) of generator gen's
-- stream. Foreign keys reference parents of (their source rows x scale) rows. (`offset` is a reserved word
-- in DuckDB, hence `start`.)
CREATE OR REPLACE MACRO fastgen_sample(gen, n, seed := 42, start := 0, scale := 1) AS TABLE
FROM query(CASE
    WHEN NOT coalesce(TRY_CAST(n AS DOUBLE) >= 0 AND isfinite(TRY_CAST(n AS DOUBLE)) AND TRY_CAST(n AS DOUBLE) = trunc(TRY_CAST(n AS DOUBLE)), false) THEN error('fastgen_sample: n must be a whole number >= 0, got ' || coalesce(n::VARCHAR, 'NULL'))
    WHEN NOT coalesce(TRY_CAST(start AS DOUBLE) >= 0 AND isfinite(TRY_CAST(start AS DOUBLE)) AND TRY_CAST(start AS DOUBLE) = trunc(TRY_CAST(start AS DOUBLE)), false) THEN error('fastgen_sample: start must be a whole number >= 0, got ' || coalesce(start::VARCHAR, 'NULL'))
    WHEN NOT coalesce(TRY_CAST(n AS HUGEINT) + TRY_CAST(start AS HUGEINT) <= 4611686018427387904, false) THEN error('fastgen_sample: n + start must be at most 2^62 (4611686018427387904), got ' || (TRY_CAST(n AS DOUBLE) + TRY_CAST(start AS DOUBLE))::VARCHAR)
    WHEN NOT coalesce(TRY_CAST(seed AS BIGINT) IS NOT NULL AND TRY_CAST(seed AS DOUBLE) = trunc(TRY_CAST(seed AS DOUBLE)), false) THEN error('fastgen_sample: seed must be a whole number (a BIGINT), got ' || coalesce(seed::VARCHAR, 'NULL'))
    WHEN NOT coalesce(TRY_CAST(scale AS DOUBLE) > 0 AND isfinite(TRY_CAST(scale AS DOUBLE)), false) THEN error('fastgen_sample: scale must be a finite number > 0, got ' || coalesce(scale::VARCHAR, 'NULL'))
    ELSE 'FROM fastgen."gen_' || replace(gen, '"', '""') || '"(' || TRY_CAST(n AS BIGINT) || ', ' || TRY_CAST(seed AS BIGINT) || ', ' || TRY_CAST(start AS BIGINT) || ', ' || TRY_CAST(scale AS DOUBLE) || ')'
END);

-- fastgen_generators(): one row per generator.
CREATE OR REPLACE MACRO fastgen_generators() AS TABLE
SELECT name,
       spec->>'source' AS source,
       (spec->>'source_rows')::BIGINT AS source_rows,
       json_array_length(spec->'columns')::INTEGER AS columns,
       spec->>'inferred_by' AS inferred_by,
       (spec->'llm'->>'prompt_tokens')::INTEGER + (spec->'llm'->>'completion_tokens')::INTEGER AS llm_tokens,
       (spec->'llm'->>'cost_usd')::DOUBLE AS llm_cost_usd,
       created_at
FROM fastgen.generators ORDER BY name;

-- fastgen_spec(gen): the generator's spec as JSON (NULL for an unknown generator).
CREATE OR REPLACE MACRO fastgen_spec(gen) AS (SELECT spec::JSON FROM fastgen.generators WHERE lower(name) = lower(gen));

-- Model answers, keyed by model and prompt: re-inferring costs nothing and replays offline.
CREATE TABLE IF NOT EXISTS fastgen.llm_cache (
    key               VARCHAR PRIMARY KEY,
    model             VARCHAR NOT NULL,
    request           VARCHAR NOT NULL,
    response          VARCHAR NOT NULL,
    prompt_tokens     INTEGER,
    completion_tokens INTEGER,
    created_at        TIMESTAMP NOT NULL
);

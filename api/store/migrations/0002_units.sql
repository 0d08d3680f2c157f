-- The unit registry and one-time password reset codes.

CREATE TABLE units (
    code       TEXT    PRIMARY KEY,
    name       TEXT    NOT NULL,
    annex      TEXT    NOT NULL,
    flags      TEXT    NOT NULL DEFAULT '[]',
    emails     TEXT    NOT NULL DEFAULT '[]',
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at BIGINT  NOT NULL DEFAULT 0
);

CREATE INDEX units_annex ON units (annex, code);

-- Units already named by users become placeholders (name = code, PL01), so
-- that every unit-scoped user belongs to a unit of the registry.
INSERT INTO units (code, name, annex)
SELECT DISTINCT unit, unit, 'PL01' FROM users WHERE unit <> '';

CREATE TABLE reset_codes (
    user_name  TEXT   PRIMARY KEY REFERENCES users (name) ON DELETE CASCADE,
    hash       TEXT   NOT NULL,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

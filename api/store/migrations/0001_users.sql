-- Users, their API tokens, revoked sessions, the admin audit log and a
-- key/value table for one-time jobs. Portable SQL: SQLite and PostgreSQL.
-- Times are Unix microseconds (BIGINT). Statements end with ";" at the end
-- of a line.

CREATE TABLE users (
    name          TEXT    PRIMARY KEY,
    role          TEXT    NOT NULL,
    unit          TEXT    NOT NULL DEFAULT '',
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    epoch         BIGINT  NOT NULL DEFAULT 1,
    password_hash TEXT    NOT NULL DEFAULT '',
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);

CREATE INDEX users_unit ON users (unit);

CREATE TABLE api_tokens (
    hash       TEXT   PRIMARY KEY,
    user_name  TEXT   NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);

CREATE INDEX api_tokens_user ON api_tokens (user_name);

CREATE TABLE revoked_sessions (
    id         TEXT   PRIMARY KEY,
    expires_at BIGINT NOT NULL
);

CREATE INDEX revoked_sessions_expires ON revoked_sessions (expires_at);

CREATE TABLE audit_log (
    id      BIGINT PRIMARY KEY,
    at      BIGINT NOT NULL,
    by_user TEXT   NOT NULL,
    action  TEXT   NOT NULL,
    target  TEXT   NOT NULL,
    detail  TEXT   NOT NULL
);

-- counters hands out audit_log ids: UPDATE … RETURNING works on both
-- databases, and the row lock orders concurrent writers on PostgreSQL.
CREATE TABLE counters (
    name  TEXT   PRIMARY KEY,
    value BIGINT NOT NULL
);

INSERT INTO counters (name, value) VALUES ('audit_log', 0);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

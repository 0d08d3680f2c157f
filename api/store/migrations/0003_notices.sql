-- Users' e-mail addresses (optional: '' for none) and the log of notices
-- sent by e-mail: one row per notice, unit and address, sent or failed.
-- An empty address is a unit that had none to send to.

ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';

CREATE INDEX users_email ON users (unit, email);

CREATE TABLE notice_log (
    notice  TEXT    NOT NULL,
    year    INTEGER NOT NULL,
    kind    TEXT    NOT NULL,
    unit    TEXT    NOT NULL DEFAULT '',
    subject TEXT    NOT NULL,
    address TEXT    NOT NULL,
    status  TEXT    NOT NULL,
    error   TEXT    NOT NULL DEFAULT '',
    at      BIGINT  NOT NULL,
    PRIMARY KEY (notice, unit, address)
);

CREATE INDEX notice_log_year ON notice_log (year, at);

// Package store keeps ictindex's users, roles, API tokens, revoked
// sessions, the unit registry and the admin audit log in a SQL database.
//
// One code path serves SQLite (a file, through modernc.org/sqlite, no cgo)
// and PostgreSQL (through pgx): the schema is a list of numbered, embedded
// migrations written in SQL both understand, and every query is written with
// "?" placeholders, rewritten to "$n" for PostgreSQL in one place (rebind).
// Several replicas may share one PostgreSQL database: whatever must be seen
// by all of them at once (a disabled user, a changed role, a revoked
// session) lives in the database, and each user carries an epoch that the
// web layer puts in its session cookie and compares on every request.
//
// Errors meant for people are in Vietnamese: a *ValidationError lists one
// FieldError per problem, naming the field (or, for registry files, the
// spreadsheet cell), and wraps ErrNotFound or ErrConflict when that is what
// went wrong, so the HTTP layer can answer 404, 409 or 422.
package store

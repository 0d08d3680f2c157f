// Package backup takes a consistent copy of the embedded default's data
// folder while it runs, and restores one into a new folder.
//
// The folder holds SQLite databases (Temporal's and the users') and a
// MinIO data folder whose versions the databases name by key and version
// ID. A backup first snapshots every database through SQLite itself
// (VACUUM INTO over a connection of its own: one read transaction, so a
// consistent image, while the server goes on writing in WAL mode), and only
// then copies MinIO's folder file by file. MinIO writes an object's part
// files into a temporary folder and renames them into place before it
// renames in the xl.meta naming them, and the archive never deletes or
// rewrites a version the databases can name (documents are under
// COMPLIANCE retention, evidence is versioned and only added to): every
// version a database snapshot names was therefore on disk before the copy
// began and is in it. Versions written later are harmless extras.
//
// MinIO rewrites some xl.meta files in place (removing a version of an
// unlocked object), so each one is copied before the rest of its folder
// and checked (header, checksum, inline data) until a whole image is read.
// Its temporary and multipart folders are left out, and files that vanish
// during the copy (deleted staging uploads) are skipped.
//
// The backup folder mirrors the data folder, with a manifest, backup.json,
// written last: the files with their sizes and SHA-256, and each
// database's page count and integrity check. Restore verifies every hash
// before it writes anything, and refuses a folder that is not empty.
package backup

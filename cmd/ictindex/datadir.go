package main

import (
	"path/filepath"

	"ictindex/deploy/temporalserver"
)

// The embedded default's data folder (`ictindex dev --data`, .data by
// default), in one place for the stack, the dev server and backups.
const (
	dataTemporalDir = "temporal"             // Temporal's SQLite database, temporalserver.DatabaseFileName
	dataUsersDB     = "ictindex.db"          // users, roles, units: SQLite unless ICTINDEX_DATABASE_URL is set
	dataMinIODir    = "minio"                // MinIO's data folder (its log and certs folder sit beside it)
	dataDemoKey     = "demo-signing-key.pem" // the demonstration signing key of dev and demo
)

// dataTemporalDB is Temporal's database, relative to the data folder.
var dataTemporalDB = filepath.Join(dataTemporalDir, temporalserver.DatabaseFileName)

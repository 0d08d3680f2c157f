#!/bin/sh
# Runs once, when the data volume is first initialised: the role Temporal's
# schema tool creates its two databases with, and ictindex's own role and
# database. Passwords come from the container's environment.
set -eu
psql -v ON_ERROR_STOP=1 --username postgres --dbname postgres \
  -v temporal_pw="$TEMPORAL_DB_PASSWORD" -v ictindex_pw="$ICTINDEX_DB_PASSWORD" <<'SQL'
CREATE ROLE temporal LOGIN CREATEDB PASSWORD :'temporal_pw';
CREATE ROLE ictindex LOGIN PASSWORD :'ictindex_pw';
CREATE DATABASE ictindex OWNER ictindex;
SQL

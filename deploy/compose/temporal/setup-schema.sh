#!/bin/sh
# Creates Temporal's two databases when missing and sets up or updates their
# schemas to the admin tools' version (the server's). Safe to run at every
# start. Connection settings come from SQL_HOST, SQL_PORT, SQL_USER and
# SQL_PASSWORD; the plugin from SQL_PLUGIN.
set -eu
schema=/etc/temporal/schema/postgresql/v12

for db in temporal temporal_visibility; do
  if ! out=$(temporal-sql-tool --plugin "$SQL_PLUGIN" --db "$db" create 2>&1); then
    case "$out" in
      *"already exists"*) echo "database $db exists" ;;
      *) echo "$out" >&2; exit 1 ;;
    esac
  fi
done

temporal-sql-tool --plugin "$SQL_PLUGIN" --db temporal setup-schema -v 0.0
temporal-sql-tool --plugin "$SQL_PLUGIN" --db temporal update-schema -d "$schema/temporal/versioned"
temporal-sql-tool --plugin "$SQL_PLUGIN" --db temporal_visibility setup-schema -v 0.0
temporal-sql-tool --plugin "$SQL_PLUGIN" --db temporal_visibility update-schema -d "$schema/visibility/versioned"
echo "Temporal schemas are up to date"

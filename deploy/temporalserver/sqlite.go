package temporalserver

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/metrics"
	"go.temporal.io/server/common/persistence/sql"
	"go.temporal.io/server/common/persistence/sql/sqlplugin"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/primitives/timestamp"
	"go.temporal.io/server/common/resolver"
	sqliteschema "go.temporal.io/server/schema/sqlite"
)

// schemaMarkerTables are tables of the execution and visibility schemas whose
// presence shows that the schema was set up.
var schemaMarkerTables = []string{"namespaces", "executions", "history_node", "executions_visibility"}

// sqliteConfig returns the SQL persistence settings for cfg: the file
// DataDir/temporal.db, or a uniquely named shared in-memory database.
func sqliteConfig(cfg Config) (*config.SQL, error) {
	sqlCfg := &config.SQL{PluginName: sqliteplugin.PluginName}
	if cfg.DataDir == "" {
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, err
		}
		// The plugin creates the schema itself for in-memory databases.
		sqlCfg.DatabaseName = "ictindex-" + hex.EncodeToString(b[:])
		sqlCfg.ConnectAttributes = map[string]string{"mode": "memory", "cache": "shared"}
		return sqlCfg, nil
	}
	dir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("temporalserver: data dir: %w", err)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("temporalserver: data dir: %w", err)
	}
	sqlCfg.DatabaseName = filepath.Join(dir, DatabaseFileName)
	// Write-ahead logging with synchronous=NORMAL syncs at checkpoints
	// rather than at every commit: a crashed process loses nothing; a power
	// cut may lose the last moments, which a dev stack can afford
	// (production uses PostgreSQL).
	//
	// One connection, as the Temporal CLI's dev server has (the plugin's
	// default): every service of the process shares the plugin's pool for
	// this file, so one connection serialises all statements. With several,
	// SQLite refuses a write at once, busy_timeout or not, when a
	// transaction that began by reading must become a writer while another
	// connection writes ("database is locked", SQLITE_BUSY and
	// SQLITE_BUSY_SNAPSHOT): under load the history service then logged
	// such errors by the dozen and retried, and a failed shard update cost
	// the shard. busy_timeout stays for another process opening the file.
	sqlCfg.ConnectAttributes = map[string]string{"mode": "rwc", "journal_mode": "wal", "synchronous": "NORMAL", "busy_timeout": "10000"}
	sqlCfg.MaxConns, sqlCfg.MaxIdleConns = 1, 1
	return sqlCfg, nil
}

// ensureSchema creates the Temporal schema in a new database file and leaves
// an existing one alone, so a restart keeps every workflow. A file holding
// only part of the schema (an interrupted first start) is reported, not
// repaired.
func ensureSchema(sqlCfg *config.SQL) error {
	if sqlCfg.ConnectAttributes["mode"] == "memory" {
		return nil
	}
	tables, err := listTables(sqlCfg)
	if err != nil {
		return err
	}
	present := 0
	for _, t := range schemaMarkerTables {
		if slices.Contains(tables, t) {
			present++
		}
	}
	switch {
	case present == len(schemaMarkerTables):
		return nil
	case len(tables) == 0:
		if err := sqliteschema.SetupSchema(sqlCfg); err != nil {
			return fmt.Errorf("temporalserver: creating schema in %s: %w", sqlCfg.DatabaseName, err)
		}
		return nil
	default:
		return fmt.Errorf("temporalserver: %s holds an incomplete or foreign schema (%d tables); move it away to start afresh",
			sqlCfg.DatabaseName, len(tables))
	}
}

func listTables(sqlCfg *config.SQL) ([]string, error) {
	db, err := sql.NewSQLAdminDB(sqlplugin.DbKindUnknown, sqlCfg, resolver.NewNoopResolver(),
		log.NewNoopLogger(), metrics.NoopMetricsHandler)
	if err != nil {
		return nil, fmt.Errorf("temporalserver: opening %s: %w", sqlCfg.DatabaseName, err)
	}
	defer func() { _ = db.Close() }()
	tables, err := db.ListTables(sqlCfg.DatabaseName)
	if err != nil {
		return nil, fmt.Errorf("temporalserver: reading tables of %s: %w", sqlCfg.DatabaseName, err)
	}
	return tables, nil
}

// createNamespace registers cfg.Namespace, with its search attributes and
// retention, directly in the database. It does nothing when the namespace
// already exists.
func createNamespace(sqlCfg *config.SQL, clusterName string, cfg Config) error {
	ns, err := sqliteschema.NewNamespaceConfig(clusterName, cfg.Namespace, false, cfg.SearchAttributes)
	if err != nil {
		return fmt.Errorf("temporalserver: namespace %q: %w", cfg.Namespace, err)
	}
	if ns.Detail.GetConfig() == nil {
		return errors.New("temporalserver: namespace config without settings")
	}
	ns.Detail.Config.Retention = timestamp.DurationPtr(cfg.Retention)
	if err := sqliteschema.CreateNamespaces(sqlCfg, ns); err != nil {
		return fmt.Errorf("temporalserver: creating namespace %q: %w", cfg.Namespace, err)
	}
	return nil
}

package temporalserver

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
)

// Defaults applied by [Start] to zero-valued [Config] fields.
const (
	DefaultHost = "127.0.0.1"
	// DefaultPort is Temporal's usual frontend port, the value a command
	// line should offer; Config.Port 0 picks a free port instead.
	DefaultPort      = 7233
	DefaultNamespace = "default"
	// DefaultRetention is how long closed workflows are kept in a namespace
	// created by this package.
	DefaultRetention = 30 * 24 * time.Hour
)

// DatabaseFileName is the name of the SQLite file inside Config.DataDir.
const DatabaseFileName = "temporal.db"

// Config describes an embedded Temporal server.
type Config struct {
	// DataDir is the folder holding the SQLite database (DataDir/temporal.db).
	// It is created if missing. Empty means an in-memory database whose
	// state is lost when the process exits (meant for tests).
	DataDir string
	// Host is the IP address every service binds to. Default "127.0.0.1".
	// "localhost" is accepted as 127.0.0.1; an unspecified address
	// ("0.0.0.0", "::") binds all interfaces and is dialed via loopback.
	Host string
	// Port is the frontend gRPC port clients connect to (usually
	// DefaultPort, 7233). 0 picks a free port. The history, matching and
	// worker services always get free ports of their own.
	Port int
	// HTTPPort is the frontend HTTP API port (also serving Nexus). 0 picks
	// a free port; -1 turns the HTTP API off.
	HTTPPort int
	// Namespace is created on start (idempotent) and used by NewClient.
	// Default "default".
	Namespace string
	// SearchAttributes are the custom search attributes to register on the
	// namespace, e.g. {"CampaignYear": Int, "UnitCode": Keyword}. Missing
	// ones are added on every start; a type conflict with an existing one
	// fails Start.
	SearchAttributes map[string]enumspb.IndexedValueType
	// Retention is how long closed workflows are kept, applied when the
	// namespace is created. Default DefaultRetention.
	Retention time.Duration
	// DynamicConfigFile names a file of dynamic config overrides in the
	// server's own YAML format (keys such as
	// "limit.numPendingChildExecutions.error", each with a list of values
	// and optional constraints). Its keys replace the package's defaults;
	// it is read once, at start. A file that is missing or that the server's
	// loader finds fault with fails Start. Empty: the defaults only. The
	// ictindex commands take it from the environment variable
	// DynamicConfigEnv.
	DynamicConfigFile string
	// Logger receives the server's logs. Default: warnings and errors only,
	// written to standard error.
	Logger *slog.Logger
}

// normalized returns a copy of c with defaults applied and its fields checked.
func (c Config) normalized() (Config, error) {
	if c.Host == "" {
		c.Host = DefaultHost
	}
	if c.Host == "localhost" {
		c.Host = "127.0.0.1"
	}
	if net.ParseIP(c.Host) == nil {
		return c, fmt.Errorf("temporalserver: host %q is not an IP address", c.Host)
	}
	if c.Port < 0 || c.Port > 65535 || c.HTTPPort < -1 || c.HTTPPort > 65535 {
		return c, errors.New("temporalserver: port out of range")
	}
	if c.Namespace == "" {
		c.Namespace = DefaultNamespace
	}
	if c.Retention == 0 {
		c.Retention = DefaultRetention
	}
	if c.Retention < 0 {
		return c, errors.New("temporalserver: negative retention")
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	return c, nil
}

// dialHost is the address other components use to reach a service bound to
// host: the loopback address when host is unspecified.
func dialHost(host string) string {
	ip := net.ParseIP(host)
	switch {
	case ip.IsUnspecified() && ip.To4() != nil:
		return "127.0.0.1"
	case ip.IsUnspecified():
		return "::1"
	default:
		return host
	}
}

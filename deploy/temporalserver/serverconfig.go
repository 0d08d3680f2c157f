package temporalserver

import (
	"net"
	"strconv"
	"time"

	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/membership/static"
	"go.temporal.io/server/common/primitives"
)

// clusterName names the single cluster of the embedded server.
const clusterName = "active"

// servicePorts are the gRPC ports of the four services, plus the frontend
// HTTP port (0 when the HTTP API is off).
type servicePorts struct {
	frontend, history, matching, worker, http int
}

// serverConfig builds the static server configuration: SQLite persistence
// with one history shard, one cluster, archival off, and every service bound
// to cfg.Host on its own port.
func serverConfig(cfg Config, sqlCfg *config.SQL, ports servicePorts) *config.Config {
	dial := dialHost(cfg.Host)
	frontendAddr := net.JoinHostPort(dial, strconv.Itoa(ports.frontend))

	var conf config.Config
	conf.Global.Membership.MaxJoinDuration = 30 * time.Second
	conf.Global.Membership.BroadcastAddress = dial

	conf.Persistence.DefaultStore = "sqlite-default"
	conf.Persistence.VisibilityStore = "sqlite-default"
	conf.Persistence.NumHistoryShards = 1
	conf.Persistence.DataStores = map[string]config.DataStore{"sqlite-default": {SQL: sqlCfg}}

	info := cluster.ClusterInformation{
		Enabled:                true,
		InitialFailoverVersion: 1,
		RPCAddress:             frontendAddr,
	}
	if ports.http != 0 {
		info.HTTPAddress = net.JoinHostPort(dial, strconv.Itoa(ports.http))
	}
	conf.ClusterMetadata = &cluster.Config{
		EnableGlobalNamespace:    false,
		FailoverVersionIncrement: 10,
		MasterClusterName:        clusterName,
		CurrentClusterName:       clusterName,
		ClusterInformation:       map[string]cluster.ClusterInformation{clusterName: info},
	}
	conf.DCRedirectionPolicy.Policy = "noop"

	service := func(port int) config.Service {
		var s config.Service
		s.RPC.GRPCPort = port
		s.RPC.BindOnIP = cfg.Host
		return s
	}
	frontend := service(ports.frontend)
	frontend.RPC.HTTPPort = ports.http
	conf.Services = map[string]config.Service{
		string(primitives.FrontendService): frontend,
		string(primitives.HistoryService):  service(ports.history),
		string(primitives.MatchingService): service(ports.matching),
		string(primitives.WorkerService):   service(ports.worker),
	}

	conf.Archival.History.State = "disabled"
	conf.Archival.Visibility.State = "disabled"
	conf.NamespaceDefaults.Archival.History.State = "disabled"
	conf.NamespaceDefaults.Archival.Visibility.State = "disabled"
	conf.PublicClient.HostPort = frontendAddr
	return &conf
}

// staticHosts tells each service where the others are, replacing the
// gossip-based membership a multi-node cluster uses.
func staticHosts(cfg Config, ports servicePorts) map[primitives.ServiceName]static.Hosts {
	dial := dialHost(cfg.Host)
	at := func(port int) static.Hosts {
		return static.SingleLocalHost(net.JoinHostPort(dial, strconv.Itoa(port)))
	}
	return map[primitives.ServiceName]static.Hosts{
		primitives.FrontendService: at(ports.frontend),
		primitives.HistoryService:  at(ports.history),
		primitives.MatchingService: at(ports.matching),
		primitives.WorkerService:   at(ports.worker),
	}
}

package temporalserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/server/temporal"
)

// readyTimeout bounds how long Start waits for the frontend to serve the
// namespace.
const readyTimeout = 60 * time.Second

// Server is a running embedded Temporal server.
type Server struct {
	server       temporal.Server
	hostPort     string
	httpHostPort string
	namespace    string
	logger       *slog.Logger
	serverLogger slogLogger

	stopOnce sync.Once
	stopErr  error
}

// Start runs the Temporal server in-process and returns once its frontend
// accepts connections and the namespace is usable (at most 60 s, or until
// ctx ends). On a DataDir that already holds a database, every workflow of
// the previous run is kept. Stop the returned server with [Server.Stop].
func Start(ctx context.Context, cfg Config) (*Server, error) {
	cfg, err := cfg.normalized()
	if err != nil {
		return nil, err
	}
	// Before anything touches the data folder or a port.
	dynamicValues, err := dynamicConfig(cfg.DynamicConfigFile)
	if err != nil {
		return nil, err
	}
	ports, err := pickPorts(cfg)
	if err != nil {
		return nil, err
	}

	sqlCfg, err := sqliteConfig(cfg)
	if err != nil {
		return nil, err
	}
	if err := ensureSchema(sqlCfg); err != nil {
		return nil, err
	}
	if err := createNamespace(sqlCfg, clusterName, cfg); err != nil {
		return nil, err
	}

	logger := newSlogLogger(cfg.Logger)
	srv, err := temporal.NewServer(
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithConfig(serverConfig(cfg, sqlCfg, ports)),
		temporal.WithStaticHosts(staticHosts(cfg, ports)),
		temporal.WithLogger(logger),
		temporal.WithDynamicConfigClient(dynamicValues),
	)
	if err != nil {
		return nil, fmt.Errorf("temporalserver: creating server: %w", err)
	}
	if err := srv.Start(); err != nil {
		logger.floor.Set(slog.LevelError)
		_ = srv.Stop()
		return nil, fmt.Errorf("temporalserver: starting server: %w", err)
	}

	dial := dialHost(cfg.Host)
	s := &Server{
		server:       srv,
		hostPort:     net.JoinHostPort(dial, strconv.Itoa(ports.frontend)),
		namespace:    cfg.Namespace,
		logger:       cfg.Logger,
		serverLogger: logger,
	}
	if ports.http != 0 {
		s.httpHostPort = net.JoinHostPort(dial, strconv.Itoa(ports.http))
	}
	if err := s.waitReady(ctx, cfg); err != nil {
		_ = s.Stop()
		return nil, err
	}
	return s, nil
}

// pickPorts resolves the configured ports: fixed ones are checked to be
// free, the others are chosen among free ports.
func pickPorts(cfg Config) (servicePorts, error) {
	var fixed []int
	if cfg.Port != 0 {
		fixed = append(fixed, cfg.Port)
	}
	if cfg.HTTPPort > 0 {
		fixed = append(fixed, cfg.HTTPPort)
	}
	free, err := reservePorts(cfg.Host, fixed, 5)
	if err != nil {
		return servicePorts{}, err
	}
	p := servicePorts{frontend: cfg.Port, history: free[0], matching: free[1], worker: free[2], http: cfg.HTTPPort}
	if p.frontend == 0 {
		p.frontend = free[3]
	}
	switch {
	case p.http == 0:
		p.http = free[4]
	case p.http < 0:
		p.http = 0 // off
	}
	return p, nil
}

// waitReady dials the frontend until it answers, then checks that the
// namespace is served and carries the configured search attributes.
func (s *Server) waitReady(ctx context.Context, cfg Config) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	var lastErr error
	for {
		lastErr = s.checkReady(ctx, cfg)
		var conflict *searchAttributeConflictError
		switch {
		case lastErr == nil:
			return nil
		case errors.As(lastErr, &conflict):
			// Not transient: retrying would only hide it behind a timeout.
			return lastErr
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("temporalserver: server at %s not ready: %w (last error: %v)", s.hostPort, ctx.Err(), lastErr)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (s *Server) checkReady(ctx context.Context, cfg Config) error {
	c, err := s.NewClient(client.Options{})
	if err != nil {
		return err
	}
	defer c.Close()
	callCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := c.WorkflowService().DescribeNamespace(callCtx,
		&workflowservice.DescribeNamespaceRequest{Namespace: s.namespace}); err != nil {
		return err
	}
	return ensureSearchAttributes(callCtx, c, s.namespace, cfg.SearchAttributes)
}

// HostPort is the frontend gRPC address for SDK clients, e.g. "127.0.0.1:7233".
func (s *Server) HostPort() string { return s.hostPort }

// HTTPHostPort is the frontend HTTP API address, or "" when it is off.
func (s *Server) HTTPHostPort() string { return s.httpHostPort }

// Namespace is the namespace the server was started with.
func (s *Server) Namespace() string { return s.namespace }

// NewClient dials the server with opts, filling in HostPort and Namespace
// when empty, and a logger writing to the server's logger when none is set.
func (s *Server) NewClient(opts client.Options) (client.Client, error) {
	if opts.HostPort == "" {
		opts.HostPort = s.hostPort
	}
	if opts.Namespace == "" {
		opts.Namespace = s.namespace
	}
	if opts.Logger == nil {
		opts.Logger = sdklog.NewStructuredLogger(s.logger)
	}
	return client.Dial(opts)
}

// Stop shuts the server down gracefully. It is safe to call more than once;
// later calls return the result of the first. While stopping, only errors
// are logged: the services warn about each other going away.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		s.serverLogger.floor.Set(slog.LevelError)
		if err := s.server.Stop(); err != nil {
			s.stopErr = fmt.Errorf("temporalserver: stopping server: %w", err)
		}
	})
	return s.stopErr
}

// Package temporalserver runs the real Temporal server in-process.
//
// It is the embedded Temporal backend of ictindex: a single-node server with
// every service (frontend, history, matching, worker) in the current process
// and SQLite persistence, either in a file inside a data folder (state
// survives a restart) or in memory (for tests).
//
// Every import of go.temporal.io/server in the project lives in this package:
// the server is large, and each binary that links it pays for it in build
// time. Other packages talk to the server through the SDK client returned by
// [Server.NewClient].
//
//	srv, err := temporalserver.Start(ctx, temporalserver.Config{
//		DataDir: dir, Port: temporalserver.DefaultPort,
//	})
//	if err != nil { ... }
//	defer srv.Stop()
//	c, err := srv.NewClient(client.Options{})
package temporalserver

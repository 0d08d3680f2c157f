// Package minioserver starts and stops a real MinIO server process for the
// development stack and for tests.
//
// MinIO is licensed under the AGPL, so ictindex never links it: the server
// is a separate binary (installed by deploy/install-minio.sh with the Go
// toolchain) that this package runs as a child process in its own process
// group, with a data folder, on a loopback address. Stop terminates the whole
// group, so no MinIO process outlives its owner; on Linux the child also
// receives SIGKILL if the owning process dies without calling Stop.
//
// Typical use in a test:
//
//	srv := minioserver.StartForTest(t)
//	client, _ := minio.New(srv.Endpoint(), &minio.Options{
//		Creds: credentials.NewStaticV4(srv.User(), srv.Password(), ""),
//	})
package minioserver

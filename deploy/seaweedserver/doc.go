// Package seaweedserver starts and stops a SeaweedFS server process (the
// `weed` binary, master + volume + filer + S3 gateway in one process) for
// tests, as a second S3 implementation beside MinIO: the archive's tests run
// against it when ICTINDEX_TEST_S3=seaweedfs.
//
// SeaweedFS is Apache-2.0 licensed, but like MinIO it is only ever run as a
// separate binary (built by deploy/install-seaweedfs.sh), never linked. The
// process runs in its own process group on loopback ports, with a data
// folder, one S3 identity (access and secret key, all actions) written to a
// config file, and anonymous usage reports turned off. Stop terminates the
// whole group; on Linux the child also receives SIGKILL if the owning
// process dies without calling Stop.
//
// The shape mirrors package minioserver: Start, Stop, Restart, Endpoint,
// User, Password, and StartForTest for tests.
package seaweedserver

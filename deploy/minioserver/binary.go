package minioserver

import (
	"errors"
	"fmt"

	"ictindex/deploy/procgroup"
)

// EnvBinary names the environment variable that overrides where the MinIO
// server binary is.
const EnvBinary = "ICTINDEX_MINIO_BIN"

// ErrNotInstalled reports that no MinIO server binary could be found.
var ErrNotInstalled = errors.New("minioserver: MinIO server binary not found (run deploy/install-minio.sh or set " + EnvBinary + ")")

// Binary returns the path of the MinIO server binary: the file named by
// ICTINDEX_MINIO_BIN if set, else `minio` on PATH, else `minio` in the Go
// toolchain's install folder ($GOBIN, or the first $GOPATH entry's bin, where
// `go install` puts it). The error wraps ErrNotInstalled when none exists.
func Binary() (string, error) {
	p, err := procgroup.FindBinary(EnvBinary, "minio")
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrNotInstalled, err)
	}
	return p, nil
}

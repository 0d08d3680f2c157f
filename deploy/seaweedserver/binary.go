package seaweedserver

import (
	"errors"
	"fmt"

	"ictindex/deploy/procgroup"
)

// EnvBinary names the environment variable that overrides where the weed
// binary is.
const EnvBinary = "ICTINDEX_WEED_BIN"

// ErrNotInstalled reports that no weed binary could be found.
var ErrNotInstalled = errors.New("seaweedserver: SeaweedFS weed binary not found (run deploy/install-seaweedfs.sh or set " + EnvBinary + ")")

// Binary returns the path of the weed binary: the file named by
// ICTINDEX_WEED_BIN if set, else `weed` on PATH, else `weed` in the Go
// toolchain's install folder ($GOBIN, or the first $GOPATH entry's bin, where
// deploy/install-seaweedfs.sh puts it). The error wraps ErrNotInstalled when
// none exists.
func Binary() (string, error) {
	p, err := procgroup.FindBinary(EnvBinary, "weed")
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrNotInstalled, err)
	}
	return p, nil
}

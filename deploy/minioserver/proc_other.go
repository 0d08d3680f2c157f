//go:build !unix

package minioserver

import (
	"os"
	"os/exec"
)

var (
	sigTerm os.Signal = os.Interrupt
	sigKill os.Signal = os.Kill
)

func setProcAttr(cmd *exec.Cmd) {}

// signalGroup signals the server process; without process groups, a
// graceful signal the platform cannot deliver falls back to killing.
func signalGroup(cmd *exec.Cmd, sig os.Signal) {
	if cmd.Process == nil {
		return
	}
	if err := cmd.Process.Signal(sig); err != nil && sig != os.Kill {
		_ = cmd.Process.Kill()
	}
}

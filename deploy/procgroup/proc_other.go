//go:build !unix

package procgroup

import (
	"os"
	"os/exec"
)

func setProcAttr(cmd *exec.Cmd) {}

// signalGroup signals the child itself (there are no process groups here):
// an interrupt, or a kill when kill is set or the interrupt cannot be sent.
func signalGroup(cmd *exec.Cmd, kill bool) {
	if cmd.Process == nil {
		return
	}
	if kill || cmd.Process.Signal(os.Interrupt) != nil {
		_ = cmd.Process.Kill()
	}
}

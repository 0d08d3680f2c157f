package temporalserver

import (
	"fmt"
	"net"
	"strconv"
)

// checkPortFree fails early, with a clear message, when port is taken.
func checkPortFree(host string, port int) error {
	l, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("temporalserver: port %d on %s is not free: %w", port, host, err)
	}
	return l.Close()
}

// freePorts returns n distinct free ports on host. All listeners stay open
// until every port is known, so the kernel cannot hand out one port twice.
func freePorts(host string, n int) ([]int, error) {
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
		if err != nil {
			return nil, fmt.Errorf("temporalserver: finding a free port on %s: %w", host, err)
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

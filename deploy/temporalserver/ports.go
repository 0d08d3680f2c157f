package temporalserver

import (
	"fmt"
	"net"
	"strconv"
)

// reservePorts checks that each fixed port is free on host and returns n
// other free ports. Every port stays bound until all are known, so no port
// is handed out twice and a free port never collides with a fixed one. The
// ports are released on return, for the server to bind moments later.
func reservePorts(host string, fixed []int, n int) ([]int, error) {
	var held []net.Listener
	defer func() {
		for _, l := range held {
			_ = l.Close()
		}
	}()
	for _, port := range fixed {
		l, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
		if err != nil {
			return nil, fmt.Errorf("temporalserver: port %d on %s is not free: %w", port, host, err)
		}
		held = append(held, l)
	}
	free := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
		if err != nil {
			return nil, fmt.Errorf("temporalserver: finding a free port on %s: %w", host, err)
		}
		held = append(held, l)
		free = append(free, l.Addr().(*net.TCPAddr).Port)
	}
	return free, nil
}

package procgroup

import "sync"

// Tail is an io.Writer that keeps the last bytes written to it, for showing
// the end of a server's output in errors.
type Tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

// NewTail returns a Tail that keeps the last max bytes.
func NewTail(max int) *Tail { return &Tail{max: max} }

func (b *Tail) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - b.max; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
	}
	return len(p), nil
}

// String returns everything kept.
func (b *Tail) String() string { return b.Last(b.max) }

// Last returns up to the last n bytes; all that is kept when n <= 0.
func (b *Tail) Last(n int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if n <= 0 || n > len(b.buf) {
		n = len(b.buf)
	}
	return string(b.buf[len(b.buf)-n:])
}

package report

import (
	"runtime"
	rtmetrics "runtime/metrics"
	"testing"
	"time"
)

// heapObjects is the heap taken by objects, live or not yet swept: what
// runtime.MemStats calls HeapAlloc, readable without stopping the world.
const heapObjects = "/memory/classes/heap/objects:bytes"

// peakHeap samples the heap every millisecond from its call until the
// returned function is called, which reports the highest figure seen and
// the heap obtained from the OS (MemStats.HeapSys) as benchmark metrics.
// The figures are for reading, never for asserting on.
func peakHeap(b *testing.B) (report func()) {
	b.Helper()
	done, result := make(chan struct{}), make(chan uint64)
	go func() {
		s := []rtmetrics.Sample{{Name: heapObjects}}
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		var peak uint64
		for {
			rtmetrics.Read(s)
			peak = max(peak, s[0].Value.Uint64())
			select {
			case <-done:
				result <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return func() {
		close(done)
		peak := <-result
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		b.ReportMetric(float64(ms.HeapSys)/(1<<20), "heap-sys-MiB")
	}
}

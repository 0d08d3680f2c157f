package report

import "testing"

func BenchmarkRender1000(b *testing.B) { benchUnits = 1000; BenchmarkRender10000(b) }

package formula

import (
	"strings"
	"testing"

	"github.com/backproof/backproof/derive"
)

// BenchmarkLongFile checks a file of many wrong lines, the worst a
// 1 MiB formula file can ask: each line is diagnosed, and each one's
// inherited mistakes are looked up.
//
//	go test ./formula -run '^$' -bench LongFile
func BenchmarkLongFile(b *testing.B) {
	p := randomProblem(b, row, 5, derive.Sigmoid, derive.Quadratic, derive.Mean)
	src := "dZ2 = (A2 - Y) * sigmoid'(Z2)\n" + strings.Repeat("dW2 = A1\ndW2 = 2 * A1ᵀ @ dZ2\n", 1000)
	prog, err := Parse(src)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := Check(prog, p.Net, p.X, p.Y); err != nil {
			b.Fatal(err)
		}
	}
}

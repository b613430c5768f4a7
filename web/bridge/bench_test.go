package bridge_test

import (
	"os"
	"testing"

	"github.com/backproof/backproof/web/bridge"
)

// BenchmarkFormulaTwentyLines is the page's check of a twenty-line
// derivation (a three-layer network's forward and backward pass), natively.
func BenchmarkFormulaTwentyLines(b *testing.B) {
	src, err := os.ReadFile("testdata/twenty.txt")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if o := bridge.Formula("derivation.txt", string(src), []string{"--json"}); o.Exit != 0 {
			b.Fatal(o.Verdict)
		}
	}
}

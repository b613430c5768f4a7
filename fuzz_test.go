package backproof

import (
	"os"
	"testing"

	"github.com/backproof/backproof/numgrad"
	"github.com/backproof/backproof/problem"
)

// FuzzCheck feeds problem files to CheckBackprop with every method: a file either
// is refused with an error or is checked, and nothing panics. The seeds
// reach the classes a learner's file can fall in: the design example, a
// non-finite cost, softmax, relu kinks, shapes that do not chain.
func FuzzCheck(f *testing.F) {
	for _, path := range []string{"examples/design.json", "examples/thread-row.json", "problem/testdata/design.json"} {
		if raw, err := os.ReadFile(path); err == nil {
			f.Add(raw, uint8(0))
		}
	}
	f.Add([]byte(`{"convention":"column","cost":"log-likelihood","reduction":"sum","layers":[{"activation":"relu","W":[[1,-1],[0.5,2]],"b":[0,0]},{"activation":"softmax","W":[[1,2],[3,-4]],"b":[0.1,0.2]}],"X":[[0,1],[1,0]],"Y":[[1,0],[0,1]]}`), uint8(5))
	f.Add([]byte(`{"convention":"row","cost":"cross-entropy","reduction":"mean","layers":[{"activation":"sigmoid","W":[[800]],"b":[0]}],"X":[[1]],"Y":[[0]]}`), uint8(1))
	f.Add([]byte(`{"convention":"per-example","cost":"quadratic","reduction":"mean","layers":[{"activation":"tanh","W":[[1,2]],"b":[0]}],"X":[[1],[2],[3]],"Y":[[0]]}`), uint8(3))
	f.Fuzz(func(t *testing.T, raw []byte, method uint8) {
		if len(raw) > 1<<14 {
			return // structure, not size, is what the fuzzer should explore
		}
		p, err := problem.Parse("fuzz.json", raw)
		if err != nil {
			return
		}
		if p.Net.NumParams() > 2000 || p.Batch() > 64 {
			return
		}
		m := numgrad.Methods[int(method)%len(numgrad.Methods)]
		r, err := CheckBackprop(p, &Settings{Method: m})
		if err != nil {
			return
		}
		if r.Pass() && r.Comparison.Judged == 0 && r.Confirmation == nil {
			t.Fatalf("a pass with nothing judged")
		}
	})
}

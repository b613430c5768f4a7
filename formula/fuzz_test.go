package formula

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/problem"
)

// FuzzFormula: no input panics the parser or the evaluator, and every
// error names a line and column inside the input.
//
//	go test ./formula -run '^$' -fuzz FuzzFormula -fuzztime 20s
func FuzzFormula(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.txt"))
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(src))
	}
	for _, s := range []string{"", "dW2 = A1ᵀ @ @ dZ2", "x = ((((A1", "dZ2 = softmax'(Z2, -1) ⊙ A2ᵀᵀ", "q = sum(sum(A1, 0), axis=1)",
		"q = 1e999 * -.5e-3 / 0", "δ2 = f(A2)'", "q = log(exp(X))ᵀ @ X", "dA0 = dZ1 @ W1.T"} {
		f.Add(s)
	}
	var probs []*problem.Problem
	for i, c := range derive.Conventions {
		p, err := problem.Random(problem.Spec{Convention: c, Sizes: []int{4, 3, 2}, Batch: 2 + i,
			Acts: []derive.Activation{derive.Tanh, derive.Softmax}, Cost: derive.LogLikelihood, Reduction: derive.Mean, Seed: 1})
		if err != nil {
			f.Fatal(err)
		}
		probs = append(probs, p)
	}
	f.Fuzz(func(t *testing.T, src string) {
		lines := strings.Split(src, "\n")
		where := func(err error) {
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is a %T, not *Error", err, err)
			}
			if fe.Line < 1 || fe.Line > len(lines) {
				t.Fatalf("%v: line %d outside 1…%d", err, fe.Line, len(lines))
			}
			if n := len([]rune(lines[fe.Line-1])); fe.Col < 1 || fe.Col > n+1 {
				t.Fatalf("%v: column %d outside 1…%d", err, fe.Col, n+1)
			}
		}
		prog, err := Parse(src)
		if err != nil {
			where(err)
			return
		}
		p := probs[len(src)%len(probs)]
		rep, err := Check(prog, p.Net, p.X, p.Y)
		if err != nil {
			where(err)
			return
		}
		if _, err := json.Marshal(rep); err != nil {
			t.Fatal(err)
		}
		for _, r := range rep.Results {
			if r.Status != Correct && r.Message == "" {
				t.Fatalf("line %d: %s without a message", r.Line, r.Status)
			}
			if r.Col != 0 && (r.Col < 1 || r.Col > len([]rune(lines[r.Line-1]))+1) {
				t.Fatalf("line %d: column %d outside the line", r.Line, r.Col)
			}
		}
	})
}

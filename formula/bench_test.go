package formula

import (
	"strings"
	"testing"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/problem"
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

// longPaste is the CS231n-style backward pass of the published corpus,
// statements over several lines, updates in place, masks and labels,
// asserts, with the lines of forward (after the scores) repeated inside
// one function until the file has 2,000 lines; params are the
// function's.
func longPaste(b *testing.B, params, forward string) string {
	body := `    N = X.shape[0]
    hidden = np.maximum(0, np.dot(X, W1) +
                        b1)
    scores = np.dot(hidden, W2) + b2
    scores -= np.max(scores, axis=1, keepdims=True)
    probs = np.exp(scores) / np.sum(np.exp(scores),
                                    axis=1, keepdims=True)
` + forward + `    dscores = probs.copy()
    dscores[range(N), y] -= 1
    dscores /= N
    dW2 = np.dot(hidden.T, dscores)
    db2 = np.sum(dscores, axis=0, keepdims=True)
    dhidden = np.dot(dscores, W2.T)
    dhidden[hidden <= 0] = 0
    dW1, db1 = np.dot(X.T, dhidden), \
        np.sum(dhidden, axis=0, keepdims=True)
    assert dW1.shape == W1.shape
    grads["dW2"] = dW2
`
	n := strings.Count(body, "\n")
	src := "def loss(" + params + "):\n    grads = {}\n" + strings.Repeat(body, (2000-2)/n) + "    return grads\n"
	if lines := strings.Count(src, "\n"); lines < 1980 || lines > 2001 {
		b.Fatalf("the paste has %d lines", lines)
	}
	return src
}

// BenchmarkLongPaste checks a 2,000-line paste as a course publishes it
// (longPaste).
//
//	go test ./formula -run '^$' -bench LongPaste
func BenchmarkLongPaste(b *testing.B) {
	src := longPaste(b, "X, y, W1, b1, W2, b2", "")
	p := reluSoftmax(b, row)
	b.ResetTimer()
	for range b.N {
		prog, err := Parse(src)
		if err != nil {
			b.Fatal(err)
		}
		rep, err := Check(prog, p.Net, p.X, p.Y)
		if err != nil || !rep.Pass {
			b.Fatal(err)
		}
	}
}

// BenchmarkLongPasteCostNote reads the cost of a 2,000-line paste
// (longPaste) whose every repetition computes the loss and, after it, the
// number of examples whose highest probability is their class: some 210
// numbers made from the targets, each evaluated on the problem of each
// cost, and the cost read.
//
//	go test ./formula -run '^$' -bench LongPasteCostNote
func BenchmarkLongPasteCostNote(b *testing.B) {
	src := longPaste(b, "X, Y, y, W1, b1, W2, b2", `    loss = -np.sum(Y * np.log(probs)) / N
    correct = np.sum(Y * (probs >= np.max(probs, axis=1, keepdims=True)))
`)
	prog, err := Parse(src)
	if err != nil {
		b.Fatal(err)
	}
	draw := problem.Drawer(func(c derive.Cost) (problem.Spec, error) {
		return problem.Spec{Convention: row, Sizes: []int{4, 3, 2}, Batch: 5,
			Acts: []derive.Activation{derive.ReLU, derive.Softmax}, Cost: c, Init: derive.NormalScaled, Seed: 3}, nil
	})
	b.ResetTimer()
	for range b.N {
		c, r, note := prog.CostNote(derive.Quadratic, derive.Mean, false, false, 0, draw)
		if c != derive.LogLikelihood || r != derive.Mean {
			b.Fatal(note)
		}
	}
}

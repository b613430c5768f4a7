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

// BenchmarkLongPaste checks a 2,000-line paste as a course publishes it:
// the CS231n-style backward pass of the published corpus, statements over
// several lines, updates in place, masks and labels, asserts, repeated
// inside one function until the file has 2,000 lines.
//
//	go test ./formula -run '^$' -bench LongPaste
func BenchmarkLongPaste(b *testing.B) {
	body := `    N = X.shape[0]
    hidden = np.maximum(0, np.dot(X, W1) +
                        b1)
    scores = np.dot(hidden, W2) + b2
    scores -= np.max(scores, axis=1, keepdims=True)
    probs = np.exp(scores) / np.sum(np.exp(scores),
                                    axis=1, keepdims=True)
    dscores = probs.copy()
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
	src := "def loss(X, y, W1, b1, W2, b2):\n    grads = {}\n" + strings.Repeat(body, (2000-2)/n) + "    return grads\n"
	if lines := strings.Count(src, "\n"); lines < 1980 || lines > 2001 {
		b.Fatalf("the paste has %d lines", lines)
	}
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

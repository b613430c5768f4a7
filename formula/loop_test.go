package formula

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// deepProblem is a problem of len(sizes)-1 layers: relu hidden layers and
// a sigmoid output under cross-entropy, the setting of Ng's week 4.
func deepProblem(t *testing.T, c derive.Convention, sizes []int) *problem.Problem {
	t.Helper()
	acts := make([]derive.Activation, len(sizes)-1)
	for i := range acts {
		acts[i] = derive.ReLU
	}
	acts[len(acts)-1] = derive.Sigmoid
	p, err := problem.Random(problem.Spec{Convention: c, Sizes: sizes, Batch: 7, Acts: acts, Cost: derive.CrossEntropy, Reduction: derive.Mean, Seed: 5})
	require.NoError(t, err)
	return p
}

// checkedNames are the canonical names of a report's checked lines, sorted.
func checkedNames(rep *Result, L int) []string {
	var out []string
	for _, r := range rep.Results {
		if r.Checked {
			out = append(out, canonName(r.Name, L))
		}
	}
	sort.Strings(out)
	return out
}

// TestLayerLoopsUnrollOnDepth: the same pasted loop is read on the
// problem's depth, whatever depth the file was parsed for, each
// iteration's lines checked as that layer's (Nielsen's nabla_w[-1] is the
// last layer's dW), and the derivation, right for every depth, passes on
// each: derive's truth decides, not the unrolling.
func TestLayerLoopsUnrollOnDepth(t *testing.T) {
	ng, err := os.ReadFile(filepath.Join(publishedDir, "ng-week4-L-model.py"))
	require.NoError(t, err)
	nielsen, err := os.ReadFile(filepath.Join(publishedDir, "nielsen-network-py.py"))
	require.NoError(t, err)
	for _, sizes := range [][]int{{4, 3, 2}, {6, 5, 4, 3}, {7, 6, 5, 4, 1}} {
		L := len(sizes) - 1
		var want []string
		for l := 1; l <= L; l++ {
			want = append(want, "dW"+itoa(l), "db"+itoa(l))
		}
		t.Run("nielsen-"+itoa(L), func(t *testing.T) {
			p, err := problem.Random(problem.Spec{Convention: derive.PerExample, Sizes: sizes, Batch: 3, Acts: []derive.Activation{derive.Sigmoid},
				Cost: derive.Quadratic, Reduction: derive.Mean, Seed: 2})
			require.NoError(t, err)
			rep := checkText(t, string(nielsen), p)
			assert.True(t, rep.Pass, "%+v", rep.Results)
			got := checkedNames(rep, L)
			sort.Strings(want)
			assert.Equal(t, want, got)
		})
		t.Run("ng-"+itoa(L), func(t *testing.T) {
			p := deepProblem(t, derive.Column, sizes)
			rep := checkText(t, string(ng), p)
			assert.True(t, rep.Pass, "%+v", rep.Results)
			got := checkedNames(rep, L)
			for _, w := range want {
				assert.Contains(t, got, w)
			}
			assert.Contains(t, got, "dA0")
		})
	}
}

func itoa(n int) string { return string(rune('0' + n)) }

// TestLayerLoopMistakeInOneIteration: a mistake planted in the loop is
// named on the loop's layers and not on the output layer's lines.
func TestLayerLoopMistakeInOneIteration(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(publishedDir, "ng-week4-L-model-loop-sum.py"))
	require.NoError(t, err)
	p := deepProblem(t, derive.Column, []int{6, 5, 4, 3, 1})
	rep := checkText(t, string(src), p)
	require.Equal(t, VerdictFail, rep.Verdict)
	for _, r := range rep.Results {
		if !r.Checked {
			continue
		}
		name := canonName(r.Name, 4)
		if name == "dW1" || name == "dW2" || name == "dW3" {
			assert.Equal(t, Wrong, r.Status, name)
			assert.Equal(t, "missing-1/m", string(r.Diagnosis[0]), name)
			assert.Contains(t, r.Text, "(l = "+itoa(r.lineLayer(name)-1)+")")
		} else {
			assert.Equal(t, Correct, r.Status, "%s: %s", name, r.Message)
		}
	}
}

// lineLayer is the layer of a canonical name such as dW2.
func (r LineResult) lineLayer(name string) int { return int(name[len(name)-1] - '0') }

// TestLayerLoopRefusals: what the unrolling cannot count or index is
// refused at its line and column, saying what to write.
func TestLayerLoopRefusals(t *testing.T) {
	for _, tc := range []struct {
		src  string
		at   Pos
		says string
	}{
		{"for l in range(n):\n    dZ = A1\ndW1 = X.T @ A1", Pos{1, 10}, "which the checker cannot count"},
		{"for l in range(3):\ndW1 = X.T @ A1", Pos{1, 1}, "this loop has no body"},
		{"zs = [x]\nfor l in range(2, 5):\n    q = zs[-l]\ndW1 = X.T @ A1", Pos{3, 11}, "IndexError"},
		{"hs = [np.zeros(w.shape) for w in self.weights]\ndW1 = X.T @ A1", Pos{1, 25}, "a list comprehension is read for the gradients' lists"},
		{"zs = [x]\nq = zs[k]\ndW1 = X.T @ A1", Pos{2, 7}, "the index of a list is read when the unrolling knows it"},
		{"for l in range(100000):\n    q = A1\ndW1 = X.T @ A1", Pos{1, 10}, "at most 1000 iterations"},
		{"for a, b in zip([1], [2]):\n    q = A1\ndW1 = X.T @ A1", Pos{1, 13}, "cannot count"},
	} {
		t.Run(strings.ReplaceAll(tc.src, "\n", " ⏎ "), func(t *testing.T) {
			_, err := Parse(tc.src)
			var fe *Error
			require.True(t, errors.As(err, &fe), "%v", err)
			assert.Equal(t, tc.at, fe.Pos, err.Error())
			assert.Contains(t, fe.Msg, tc.says)
		})
	}
}

// TestForwardActivations: the activations a pasted forward pass applies
// are read layer by layer, and wherever they are read they are the ones
// the paste's own header names (its author's setting, which the oracle
// runs the paste in).
func TestForwardActivations(t *testing.T) {
	read := map[string]bool{}
	for _, f := range pastes(t) {
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		prog, err := Parse(string(src))
		if err != nil {
			continue // refused: nothing to read
		}
		acts, lines, ok := prog.ForwardActivations()
		if !ok {
			continue
		}
		h, err := ReadHeader(string(src))
		require.NoError(t, err)
		var want derive.Acts
		net := 0
		for _, fl := range h.Flags {
			switch fl.Name {
			case "act":
				want, err = derive.ParseActs(fl.Value)
				require.NoError(t, err)
			case "net":
				net = strings.Count(fl.Value, ",")
			}
		}
		if len(want) == 1 {
			for len(want) < net {
				want = append(want, want[0])
			}
		}
		name := filepath.Base(f)
		read[name] = true
		if len(acts) == net {
			assert.Equal(t, want, acts, "%s (lines %v)", name, lines)
		}
	}
	for _, name := range []string{"cs231n-two-layer.py", "cs231n-grads-dict.py", "karpathy-manual.py", "nielsen-network-py.py"} {
		assert.True(t, read[name], "%s: its forward pass is not read", name)
	}
	// the flags win, and a disagreement is said; agreement says nothing
	src, err := os.ReadFile(filepath.Join(publishedDir, "cs231n-two-layer.py"))
	require.NoError(t, err)
	prog, err := Parse(string(src))
	require.NoError(t, err)
	use, note := prog.ForwardNote(derive.Acts{derive.Sigmoid}, false, 0)
	assert.Equal(t, derive.Acts{derive.ReLU, derive.Softmax}, use)
	assert.Equal(t, "activations read from your forward pass: relu, softmax (lines 11, 16)", note)
	use, note = prog.ForwardNote(derive.Acts{derive.Tanh, derive.Softmax}, true, 0)
	assert.Nil(t, use)
	assert.Equal(t, "your forward pass applies relu on layer 1 (line 11), but --act gives tanh: the flag is used", note)
	_, note = prog.ForwardNote(derive.Acts{derive.ReLU, derive.Softmax}, true, 0)
	assert.Empty(t, note)
	_, note = prog.ForwardNote(derive.Acts{derive.Sigmoid}, false, 3) // a three-layer --net: not one a layer
	assert.Empty(t, note)
}

package formula

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/backproof/backproof/budget"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/problem"
)

// FuzzFormula: no input panics the parser or the evaluator, and every
// error names a line and column inside the input.
//
//	go test ./formula -run '^$' -fuzz FuzzFormula -fuzztime 20s
func FuzzFormula(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.txt"))
	pasted, _ := filepath.Glob(filepath.Join("testdata", "published", "*.py"))
	for _, name := range append(files, pasted...) {
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
	// every notation: numpy, LaTeX and Ng, MATLAB, the aliases, a pasted body
	for _, s := range []string{
		"import numpy as np\ndef backward(cache):\n    m = X.shape[1]\n    W2 = parameters[\"W2\"]\n    dZ2 = A2 - Y\n    dW2 = 1./m * np.dot(dZ2, A1.T)\n    db2 = 1./m * np.sum(dZ2, axis=1, keepdims=True)\n    grads = {\"dW2\": dW2}\n    return grads",
		"dZ2 = (A2 - Y) * A2 * (1 - A2);\ndW2 = A1.T.dot(dZ2); db2 = dZ2.sum(axis=0, keepdims=True)\ndA1 = dZ2.dot(W2.T)\ndZ1 = np.where(Z1 > 0, dA1, 0)\ndZ1 = dA1 * (Z1 >= 0).astype(float)",
		"q = np.power(A1, 2) + np.square(A1) - A1**2 + A1² - A1³ + A1 ** -1 + A1.^2 + np.multiply(A1, A1) / np.transpose(A1).transpose().T",
		"$dZ^{[2]} = A^{[2]} - Y$\n$dW^{[2]} = \\frac{1}{m} * dZ^{[2]} @ A^{[1]T}$\ndZ^{[1]} = W^{[2]T} @ dZ^{[2]} \\odot g^{[1]\\prime}(Z^{[1]})\nδ^{(1)} = \\delta^{(2)} @ W^[2]^\\top \\circ \\sigma'(Z1)",
		"% MATLAB\ndZ2 = (A2 - Y) .* A2 .* (1 - A2); % comment\ndW2 = A1' @ dZ2 ./ m\nq = (A1')'",
		"delta2 = (a2 - y) * sigmoid_prime(z2)\ndW2 = np.dot(delta2, a1.transpose())\nq = tanh_derivative(z1) + relu_prime(Z1) + g'(ZL) + AL - dAL",
		// the classes of bad input: lookalikes, strings, slicing, depth, layers
		"dw2 = A1.T @ dZ2 * 3\ngrad_W2 = A1\ndW_2 = A1\ndA_prev = A1\ndW99999 = A1\ndW02 = A1",
		"dW2 = A1[1:] @ dZ2 // m\nW1 = parameters['W2']\nq = np.einsum('ij', A1)\nfor l in range(2):\nq = A1 \\cdot A1",
		"q = A1" + strings.Repeat(" + A1", 300),
		"q = A1" + strings.Repeat("ᵀ", 300) + strings.Repeat("'", 300),
		"q = " + strings.Repeat("np.exp(", 250) + "A1" + strings.Repeat(")", 250),
		"dW2000 = A1999ᵀ @ dZ2000",
		// the learner's defs, right, wrong and outside the language; line endings
		"def sigmoid(z): return 1/(1+np.exp(z))\ndef sp(a):\n    s = a*(1-a)\n    return s\nA2 = sigmoid(Z2)\ndZ2 = (A2 - Y) * sp(A2)\ndW2 = A1.T @ dZ2",
		"def rb(dA, Z):\n    dZ = dA.copy()\n    dZ[Z <= 0] = 0\n    return dZ\ndef f2(a, b=1): return rb(a, b), a\ndZ1 = rb(dZ2, Z1)\nq = f2(A1)\ndef g(x):\n\treturn g(x)\nq = g(A1)",
		"\ufeffdZ2 = A2 - Y\r\ndW2 = A1.T @ dZ2\rdb2 = sum(dZ2, 0)\r",
		"Z1 = X @ W1 + b1\nA1 = tanh(Z1)\nZ2 = A1 @ W2 + b2\nA2 = softmax(Z2, 1)",
		"h1 = A1\nh2 = A1\nh3 = A1\nh4 = A1\nh5 = A1\nh6 = A1\nh7 = A1\nh8 = A1\ndef f(a): return a\nq = " + strings.Repeat("f(", 150) + "A1" + strings.Repeat(")", 150),
		"def f(a): return g(a) + g(a)\ndef g(a): return h(a) + h(a)\ndef h(a): return k(a) + k(a)\ndef k(a): return a @ a.T\nq = f(X) + f(X)",
		"sigmoid = lambda z: 1/(1+np.exp(-z))\nsp = lambda a, b: a*(1-b)\nf = lambda: 1\ng = lambda *x: x\nA2 = sigmoid(Z2)\ndZ2 = (A2 - Y) * sp(A2, A2) * f() + g(A1)",
		"def s(z):\n    \"\"\"doc\n    more\n    \"\"\"\n    return z\nq = s(A1)",
		"G = X @ X.T\nc = sum(X, 1)\nH = c * c.T\nM = np.maximum(c, c.T) - np.where(c > 0, c.T, 0)",
		"m = X.shape[0]\nq = A1 ** 0.5\nq = W^{[2]}^{[3]}\nq = (A1)^{[2]}\nq = {A1}\nq = A1 == 0 < 1",
		// accuracy lines: comparisons, argmax, sizes, Python's numbers, print
		"p = np.argmax(A2, axis=1)\nq = np.mean(p == np.argmax(Y, 1))\nq = np.mean(A2.argmin(0) != Y.argmax(axis=0, keepdims=True))\nq = np.argmax(A1) + np.argmin(A1 == A1)\nq = np.argmax(A1, 2)\nq = np.argmax(A1, axis=1, keepdims=False)",
		"q = float((np.dot(Y, A2.T) + np.dot(1 - Y, 1 - A2.T)) / float(Y.size) * 100)\nq = int(np.sum(A1 != 0)) + float(A1) + int(X.size)\nq = float()\nq = int(1, 2)\nprint ('Accuracy: %d' % q + '%')\nprint(\n  q)\nq = A1 == == A2",
		// pasted Python: statements over several lines, tuples, dictionaries,
		// asserts, updates in place, masks and labels
		"dW2 = np.dot(A1.T,\n   dZ2) + \\\n  0\ngrads = {\"dW1\": dW1,  # c\n  \"db1\": db1}\nq = (A1 +\n",
		"(Z1, A1,\n W2) = cache\nA_prev, W, b = cache\nh, k = A1, A2\nh, k = k, h\na, b = f(X)\nW2 = parameters.get(\"W2\")\ngrads[\"dW2\"] = cache[\"A1\"].T @ dZ2\nq = p[\"W\" + str(2)]",
		"m = len(X)\nassert dW2.shape == W2.shape\nassert (A1.shape == (m, 3)), \"msg\"\nassert(A1.shape)\nassert X.shape == (1,)\nq = X.shape",
		"d = A2\nd[range(m), y] -= 1\nd /= m\nd[Z2 <= 0] = 0\nd[Z2 > 0] = A2[Z2 > 0]\nd[y, range(m)] += 2\nd[range(3), Yb] *= 1\nd[:, 0] = 1\nd[range(m)] = 0\nd @= W2",
		// tuples: a def returning several values, unpacked; caches passed as tuples
		"def lb(dZ, cache):\n    A_prev, W, b = cache\n    (c, (d, e)) = W\n    return W.T @ dZ, dZ @ A_prev.T, (dZ,)\ndA1, dW2, _ = lb(dZ2, (A1, W2, b2))\na, b = lb(dZ2, ((A1, W2), b2, ()))\nq = lb(dZ2, (A1,))\nq = (A1, W2)\nq, r = (A1, (W2, A1))\nq = lb\nx, y = q",
		"q = np.squeeze(A1) + A1.squeeze() + np.squeeze(sum(A1))\nq = A1.reshape(-1, 1) + A1.reshape((2, -1)) + np.reshape(A1, X.shape) + A1.reshape(-1) + A1.reshape(0, -1) + A1.reshape(-1, -1) + A1.reshape(7, 1.5)\nq = np.eye(3) + np.eye(2, 3) @ np.eye(0) + np.eye(1e9) + np.eye(A1)",
		// layer loops: Ng's keys built from pieces over caches, Nielsen's lists
		"L = len(caches)\nfor l in reversed(range(L - 1)):\n    current_cache = caches[l]\n    (lc, ac) = current_cache\n    A_prev, W, b = lc\n    dZ = grads[\"dA\" + str(l + 1)] * (ac > 0)\n    grads[\"dW\" + str(l + 1)] = dZ @ A_prev.T\n    grads[\"dA\" + str(l)], q = W.T @ dZ, 1\nfor l in range(-3, 99, 0):\n  q = caches[l]",
		"class N(object):\n    def backprop(self, x, y):\n        nabla_w = [np.zeros(w.shape) for w in self.weights]\n        acts = [x]\n        zs = []\n        for b, w in zip(self.biases, self.weights):\n            zs.append(np.dot(w, acts[-1]) + b)\n            acts.append(sigmoid(zs[-1]))\n        delta = acts[-1] - y\n        for l in range(1, self.num_layers):\n            nabla_w[-l] = np.dot(delta, acts[-l-1].T)\n            for k in enumerate(zs):\n                delta = self.f(delta[k], zs[len(zs) + l * 2 - 9])\n        return nabla_w\n    def f(self, a, b): return a",
		// a def branching on a string, called by position and by keyword
		"def st(dA, Z, activation='relu'):\n    if activation == \"relu\":\n        dZ = dA * (Z > 0)\n    elif activation == 'x':\n        if activation == \"y\":\n            dZ = dA\n    else:\n        return dA\n    return dZ\nY = Y.reshape(A2.shape)\ndZ2 = st(A2, Z2, \"x\") + st(A2, activation=\"relu\", Z=Z2) + st(A2, Z2, Z=1, q=\"\")\nq = \"relu\"\nelse:\n  q = st(A1, \"s\")",
		// names without a layer, placed by value or shape, or refused
		"N, D = X.shape\nh = np.maximum(0, X @ W1 + b1)\nsc = h @ W2 + b2\ndsc = sc - Y\ndh = dsc @ W2.T\ndh[h <= 0] = 0\ndW = X.T @ dh\ndb = sum(dh, 0)\ndelta = A1\ndA = 1\ngrads['W1'] = dW\ngrads['b9'] = db\nN, D, E = X.shape\ndZ = np.eye(3)",
		// a def changing its caller's array in place, directly, by an alias, through another def
		"def a(d, Z):\n    d[Z <= 0] = 0\n    return d\ndef b(d, Z):\n    e = d\n    e *= 2\n    return a(e, Z)\ndef c(d):\n    d /= 2\n    return c(d)\nq = b(A1, Z1) + a(A1.copy(), Z1) + b(d=A1, Z=Z1)\nr = c(A1)\nA1 = a(A1, Z1)",
		"q = np.zeros_like(A1) + np.ones_like(A1)\nq = np.outer(A1, X) + np.outer(sum(A1, 0), sum(X, 1))\nq = np.max(A1, axis=1, keepdims=True) - A1.min(0)\nｄＷ２ = A1.T @ A2\nW2_grad = A1",
	} {
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
	// the problem the memory is measured on: sizes at which a matrix the
	// estimate missed (m×m is 320 KB) stands out from the bookkeeping
	big, err := problem.Random(problem.Spec{Convention: derive.Row, Sizes: []int{30, 20, 10}, Batch: 200,
		Acts: []derive.Activation{derive.Tanh, derive.Sigmoid}, Cost: derive.Quadratic, Reduction: derive.Mean, Seed: 1})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src string) {
		lines := splitLines(src)
		where := func(err error) {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error %v is a %T, not a non-empty ErrorList", err, err)
			}
			for _, fe := range list {
				if fe.Line < 1 || fe.Line > len(lines) {
					t.Fatalf("%v: line %d outside 1…%d", fe, fe.Line, len(lines))
				}
				if n := len([]rune(lines[fe.Line-1])); fe.Col < 1 || fe.Col > n+1 {
					t.Fatalf("%v: column %d outside 1…%d", fe, fe.Col, n+1)
				}
				if fe.Msg == "" || strings.Contains(fe.Msg, "%!") {
					t.Fatalf("%v: no message, or a broken one", fe)
				}
			}
		}
		prog, err := Parse(src)
		if err != nil {
			where(err)
			return
		}
		if e := prog.TooManyLayers(5); e != nil {
			where(ErrorList{e})
			return
		}
		p := probs[len(src)%len(probs)]
		rep, err := Check(prog, p.Net, p.X, p.Y)
		if err != nil {
			where(err)
			return
		}
		boundedMemory(t, prog, big)
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

// boundedMemory runs prog's lines on p and requires each line's
// allocations to stay within twice its estimate from shapes alone, plus
// the bookkeeping every evaluated node may make (a number, a note, a
// message: 1 KiB a node) and 64 KiB: a matrix the estimate did not see,
// such as an m×m one, breaks the bound. The allocations are the process's
// (runtime.MemStats), and the fuzzing engine's own goroutines allocate
// too, so a line fails only when it is over the bound in three runs.
func boundedMemory(t *testing.T, prog *Program, p *problem.Problem) {
	o := newOracle(p.Net, p.X, p.Y)
	uses, err := resolve(prog, o.L)
	if err != nil {
		return
	}
	c := &checker{prog: prog, p: o, uses: uses}
	for _, st := range prog.Stmts {
		c.info = append(c.info, classify(st.Name).in(o.L))
	}
	made, _ := c.lineCosts()
	over := map[int]string{}
	for try := 0; try < 3; try++ {
		var ms runtime.MemStats
		var before uint64
		now := map[int]string{}
		c.probe = func(i, steps int) {
			runtime.ReadMemStats(&ms)
			if steps == 0 {
				before = ms.TotalAlloc
				return
			}
			got := budget.Bytes(ms.TotalAlloc - before)
			bound := made[i].Times(2).Plus(64 << 10).Plus(budget.Bytes(1 << 10).Times(steps))
			if _, before := over[i]; got > bound && (try == 0 || before) {
				now[i] = fmt.Sprintf("line %d (%s): allocated %v, estimated %v (%d nodes): over the bound %v", prog.Stmts[i].Line, prog.Stmts[i].Text, got, made[i], steps, bound)
			}
		}
		c.run(-1, nil)
		if over = now; len(over) == 0 {
			return
		}
	}
	for _, msg := range over {
		t.Fatal(msg)
	}
}

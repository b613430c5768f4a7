package formula

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// The published-style corpus, testdata/published: backward passes written
// in the manner of the courses and posts learners paste from (Ng's
// notebooks, CS231n, Nielsen's book, nnfs, Karpathy, d2l, blog posts),
// each with the problem it runs on (NAME.json, drawn from its header by
// -write-problems) and the verdict numpy and torch give it (verdicts.json,
// written by oracle.py, which runs each paste's function with numpy on
// that problem and compares every gradient it computes with torch's
// autograd; it shares no code with this package).
//
//	go test ./formula -run TestPublished -args -write-problems
//	/usr/bin/python3 formula/testdata/published/oracle.py

var writeProblems = flag.Bool("write-problems", false, "draw testdata/published/*.json from the pastes' headers")

const publishedDir = "testdata/published"

// oracleVerdict is one paste's line in verdicts.json.
type oracleVerdict struct {
	Verdict    string            `json:"verdict"` // pass, fail, or "" for a paste numpy cannot run
	Targets    map[string]string `json:"targets"` // canonical name → correct or wrong
	NumpyError string            `json:"numpy_error"`
}

// refused are the pastes the checker does not read yet, with what its
// message says: each names the construct, and says what to write instead.
var refused = map[string]string{
	"ng-week4-linear-backward.py": "cache2 is a parameter of backward (your def on line 15)",
	"nnfs-dense-relu.py":          "Python's class is not part of the language",
	"nnfs-softmax-ce.py":          "its if is read when it compares a parameter with a string",
	"d2l-latex.py":                `\partial is not part of the language`,
	"blog-trask.py":               "nothing to check",
}

func pastes(t *testing.T) []string {
	files, err := filepath.Glob(filepath.Join(publishedDir, "*.py"))
	require.NoError(t, err)
	var out []string
	for _, f := range files {
		if filepath.Base(f) != "oracle.py" {
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out
}

func TestPublished(t *testing.T) {
	if *writeProblems {
		for _, f := range pastes(t) {
			writeProblem(t, f)
		}
	}
	raw, err := os.ReadFile(filepath.Join(publishedDir, "verdicts.json"))
	require.NoError(t, err)
	var oracle map[string]oracleVerdict
	require.NoError(t, json.Unmarshal(raw, &oracle))
	files := pastes(t)
	read, right := 0, 0
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(f)
			require.NoError(t, err)
			p, err := problem.Load(strings.TrimSuffix(f, ".py") + ".json")
			require.NoError(t, err)
			rep, err := checkPaste(string(src), p)
			if why, ok := refused[name]; ok {
				msg := ""
				if err != nil {
					msg = err.Error()
				} else if rep.Checked() == 0 {
					msg = "nothing to check" // the command's exit status 2
				} else {
					require.Equal(t, VerdictCannotTell, rep.Verdict, "%s is read now: take it off the refused list", name)
					for _, r := range rep.Results {
						msg += r.Message + "\n"
					}
				}
				assert.Contains(t, msg, why)
				return
			}
			require.NoError(t, err)
			require.NotEqual(t, VerdictCannotTell, rep.Verdict, "%+v", rep.Results)
			read++
			want, ok := oracle[name]
			require.True(t, ok, "verdicts.json has no %s: run oracle.py", name)
			ok = assert.Equal(t, want.Verdict, string(rep.Verdict), "numpy error: %s", want.NumpyError)
			last := map[string]LineResult{}
			for _, r := range rep.Results {
				if r.Checked {
					last[canonName(r.Name, len(p.Net.Layers))] = r
				}
			}
			for target, status := range want.Targets {
				r, found := last[target]
				if !assert.True(t, found, "%s computes %s, which no checked line names", name, target) {
					ok = false
					continue
				}
				ok = assert.Equal(t, status == "correct", r.Status == Correct, "%s (line %d): numpy and torch say %s; backproof: %s", target, r.Line, status, r.Message) && ok
			}
			if ok {
				right++
			}
		})
	}
	t.Logf("%d of %d published-style pastes read, %d of them judged as numpy and torch judge them", read, len(files), right)
	assert.Equal(t, len(files)-len(refused), read)
	// the counts docs/formulas.md and the README give are these
	pass := 0
	for name, v := range oracle {
		if _, no := refused[name]; !no && v.Verdict == "pass" {
			pass++
		}
	}
	n, r := len(files), len(files)-len(refused)
	docs, err := os.ReadFile(filepath.Join("..", "docs", "formulas.md"))
	require.NoError(t, err)
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	require.NoError(t, err)
	flat := func(b []byte) string { return strings.Join(strings.Fields(string(b)), " ") }
	for _, want := range []string{
		fmt.Sprintf("holds %d backward passes", n),
		fmt.Sprintf("%d of the %d are read, and all %d are judged as numpy and torch judge them (%d pass; %d fail", r, n, r, pass, r-pass),
		fmt.Sprintf("%d are refused, each by name", len(refused)),
	} {
		assert.True(t, strings.Contains(flat(docs), want), "docs/formulas.md does not say %q", want)
	}
	for _, want := range []string{fmt.Sprintf("holds %d backward passes", n), fmt.Sprintf("%d are read", r), fmt.Sprintf("the other %d", len(refused))} {
		assert.True(t, strings.Contains(flat(readme), want), "README.md does not say %q", want)
	}
}

// checkPaste parses and checks a paste on a problem, the error being the
// refusal when it is not read.
func checkPaste(src string, p *problem.Problem) (*Result, error) {
	prog, err := Parse(src)
	if err != nil {
		return nil, err
	}
	return Check(prog, p.Net, p.X, p.Y)
}

// writeProblem draws the problem of a paste's header and writes it beside
// the paste, for oracle.py and this test to share.
func writeProblem(t *testing.T, f string) {
	p, err := problem.Random(pasteSpec(t, f))
	require.NoError(t, err, f)
	raw, err := json.MarshalIndent(p, "", " ")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(strings.TrimSuffix(f, ".py")+".json", raw, 0o644))
}

// pasteSpec is the problem a paste's header gives, with the cost and the
// reduction it does not give read from the paste's cost line, as the
// command reads them (Program.CostNote).
func pasteSpec(t *testing.T, f string) problem.Spec {
	src, err := os.ReadFile(f)
	require.NoError(t, err)
	h, err := ReadHeader(string(src))
	require.NoError(t, err)
	require.NotNil(t, h, f)
	s := problem.Spec{Batch: 5, Seed: 1}
	given := map[string]bool{}
	for _, fl := range h.Flags {
		v := []byte(fl.Value)
		given[fl.Name] = true
		switch fl.Name {
		case "net":
			s.Sizes = nil
			for _, n := range strings.Split(fl.Value, ",") {
				k, err := strconv.Atoi(n)
				require.NoError(t, err)
				s.Sizes = append(s.Sizes, k)
			}
		case "batch":
			s.Batch, err = strconv.Atoi(fl.Value)
		case "act":
			err = s.Acts.UnmarshalText(v)
		case "cost":
			err = s.Cost.UnmarshalText(v)
		case "reduction":
			err = s.Reduction.UnmarshalText(v)
		case "convention":
			err = s.Convention.UnmarshalText(v)
		default:
			t.Fatalf("%s: header flag --%s", f, fl.Name)
		}
		require.NoError(t, err, f)
	}
	prog, err := Parse(string(src))
	if err != nil {
		return s // refused: nothing to read
	}
	draw := func(c derive.Cost) (*derive.Net, *mat.Dense, *mat.Dense, bool) {
		d := s
		d.Cost = c
		if d.Validate() != nil {
			return nil, nil, nil, false
		}
		p, err := problem.Random(d)
		if err != nil {
			return nil, nil, nil, false
		}
		return p.Net, p.X, p.Y, true
	}
	s.Cost, s.Reduction, _ = prog.CostNote(s.Cost, s.Reduction, given["cost"], given["reduction"], 0, draw)
	return s
}

// TestPublishedCostRead: a paste whose header gives no cost (or no
// reduction) runs on the one its cost line is read as, so that its
// verdict (numpy's and torch's, on that problem) holds only if the cost
// is read; the header's flags win.
func TestPublishedCostRead(t *testing.T) {
	read := map[string]string{}
	for _, f := range pastes(t) {
		s := pasteSpec(t, f)
		p, err := problem.Load(strings.TrimSuffix(f, ".py") + ".json")
		require.NoError(t, err)
		name := filepath.Base(f)
		assert.Equal(t, s.Cost, p.Net.Cost, "%s: rerun go test -run TestPublished -write-problems and oracle.py", name)
		assert.Equal(t, s.Reduction, p.Net.Reduction, "%s: rerun go test -run TestPublished -write-problems and oracle.py", name)
		read[name] = fmt.Sprintf("%s, %s", p.Net.Cost, p.Net.Reduction)
	}
	// those whose headers give neither: read from their cost lines, an
	// accuracy after the cost line, or before it, passed over
	assert.Equal(t, "cross-entropy, mean", read["ng-planar-cost-read.py"])
	assert.Equal(t, "log-likelihood, sum", read["blog-softmax-loss-sum.py"])
	assert.Equal(t, "cross-entropy, mean", read["ng-planar-accuracy-after-cost.py"])
	assert.Equal(t, "log-likelihood, mean", read["cs231n-accuracy-before-loss.py"])
	// and past the accuracy lines courses write: argmax compared, Y.size
	assert.Equal(t, "cross-entropy, mean", read["ng-planar-accuracy-float.py"])
	assert.Equal(t, "log-likelihood, mean", read["cs231n-accuracy-argmax.py"])
}

// TestPublishedOracleFresh reruns oracle.py, where numpy and torch are
// installed, and requires the verdicts it writes to be the committed ones:
// a paste or a problem edited without rerunning the oracle fails here.
func TestPublishedOracleFresh(t *testing.T) {
	py := numpyPython(t)
	if err := exec.Command(py, "-c", "import torch").Run(); err != nil {
		t.Skipf("no torch for %s: %v", py, err)
	}
	out := filepath.Join(t.TempDir(), "verdicts.json")
	cmd := exec.Command(py, filepath.Join(publishedDir, "oracle.py"), out)
	msg, err := cmd.CombinedOutput()
	require.NoError(t, err, string(msg))
	fresh, err := os.ReadFile(out)
	require.NoError(t, err)
	committed, err := os.ReadFile(filepath.Join(publishedDir, "verdicts.json"))
	require.NoError(t, err)
	assert.JSONEq(t, string(committed), string(fresh), "rerun /usr/bin/python3 %s/oracle.py and commit verdicts.json", publishedDir)
}

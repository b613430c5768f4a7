package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestREADMEQuickStart runs the README's quick start and compares what it
// prints with the README, so that the README cannot drift from the tool.
// Times differ from run to run and are masked.
func TestREADMEQuickStart(t *testing.T) {
	raw, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	readme := string(raw)
	const cmd = "./backproof check --net 4,3,2 --batch 5 --act sigmoid --cost quadratic --reduction mean --convention row --seed 1\n"
	i := strings.Index(readme, cmd)
	require.Positive(t, i, "the README's quick start command")
	j := strings.Index(readme[i:], "prints\n\n```\n")
	require.Positive(t, j)
	block := readme[i+j+len("prints\n\n```\n"):]
	block = block[:strings.Index(block, "```")]

	args := strings.Fields(strings.TrimPrefix(strings.TrimSpace(cmd), "./backproof "))
	code, out, errb := run(t, args...)
	require.Equal(t, 0, code, errb)
	seconds := regexp.MustCompile(`in [0-9.e+-]+ s`)
	assert.Equal(t, seconds.ReplaceAllString(block, "in … s"), seconds.ReplaceAllString(out, "in … s"),
		"README.md's quick start output: update it from the command's output")
}

// readmeBlock is the fenced block of the README that follows the first
// intro after the first from.
func readmeBlock(t *testing.T, readme, from, intro string) string {
	t.Helper()
	i := strings.Index(readme, from)
	require.GreaterOrEqual(t, i, 0, "the README's %q", from)
	j := strings.Index(readme[i:], intro)
	require.GreaterOrEqual(t, j, 0, "the README's %q after %q", intro, from)
	block := readme[i+j+len(intro):]
	return block[:strings.Index(block, "```")]
}

// masked hides what differs from run to run: times.
func masked(s string) string {
	for _, m := range []struct{ re, to string }{
		{`\([0-9.e+-]+ s\)`, "(… s)"}, {`in [0-9.e+-]+ s`, "in … s"}, {`\([0-9.]+s\)`, "(…s)"}, {`\t[0-9.]+s\n`, "\t…s\n"},
	} {
		s = regexp.MustCompile(m.re).ReplaceAllString(s, m.to)
	}
	return s
}

func readme(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	return string(raw)
}

// The README's formula example prints what the README shows.
func TestREADMEFormula(t *testing.T) {
	r := readme(t)
	const cmd = "./backproof formula formula/testdata/ng-week3.py --convention column --act tanh,sigmoid --cost cross-entropy"
	want := readmeBlock(t, r, cmd+"\n", "prints (exit status 1)\n\n```\n")
	args := strings.Fields(strings.TrimPrefix(cmd, "./backproof "))
	args[1] = "../" + args[1]
	code, out, _ := run(t, args...)
	assert.Equal(t, 1, code)
	assert.Equal(t, masked(want), masked(out), "README.md's formula example: update it from the command's output")
	// The file the README quotes is the file the command reads.
	file, err := os.ReadFile("../formula/testdata/ng-week3.py")
	require.NoError(t, err)
	assert.Contains(t, r, "```python\n"+string(file)+"```", "README.md quotes formula/testdata/ng-week3.py as it is")
}

// The README's numpy example, run as the README says with Debian's numpy,
// prints the two outputs the README shows: the bias not summed, then,
// fixed and without the / m, the missing 1/m.
func TestREADMENumpy(t *testing.T) {
	if testing.Short() {
		t.Skip("runs python3")
	}
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import numpy").Run(); err != nil {
		t.Skipf("%s with numpy: %v", py, err)
	}
	r := readme(t)
	script := readmeBlock(t, r, "where `mine.py` is", "```python\n")
	const save = "./backproof check --net 4,3,2 --batch 5 --seed 3 --save problem.json"
	const check = "./backproof check problem.json --gradient mine.npz"
	require.True(t, strings.Contains(r, save) && strings.Contains(r, check), "the README's commands")
	wrong := readmeBlock(t, r, "where `mine.py` is", "prints (exit status 1)\n\n```\n")
	fixed := readmeBlock(t, r, "Fix that line (`db1 = dZ1.sum(axis=0)`) and drop the `/ m`", "prints\n\n```\n")

	t.Chdir(t.TempDir())
	code, _, errb := run(t, strings.Fields(strings.TrimPrefix(save, "./backproof "))...)
	require.Equal(t, 0, code, errb)
	for _, c := range []struct {
		script, want string
	}{
		{script, wrong},
		{strings.NewReplacer("db1 = dZ1 ", "db1 = dZ1.sum(axis=0) ", " / m ", " ").Replace(script), fixed},
	} {
		require.NoError(t, os.WriteFile("mine.py", []byte(c.script), 0o644))
		out, err := exec.Command(py, "mine.py").CombinedOutput()
		require.NoError(t, err, string(out))
		code, got, _ := run(t, strings.Fields(strings.TrimPrefix(check, "./backproof "))...)
		assert.Equal(t, 1, code)
		assert.Equal(t, masked(c.want), masked(got), "README.md's numpy example: update it from the command's output")
	}
}

// The README's Go example: examples/mynet with the 1/m forgotten as the
// README says prints what the README shows under go test.
func TestREADMEGo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and tests examples/mynet")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool")
	}
	r := readme(t)
	want := readmeBlock(t, r, "δ^L line", "`go test` prints\n\n```\n")
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	dir := t.TempDir()
	for _, f := range []string{"go.mod", "go.sum", "mynet.go", "mynet_test.go", "testdata/problem.json"} {
		raw, err := os.ReadFile(filepath.Join(root, "examples/mynet", f))
		require.NoError(t, err)
		switch f {
		case "go.mod":
			raw = []byte(strings.Replace(string(raw), "=> ../..", "=> "+root, 1))
		case "mynet.go":
			// What the README says to delete: the / m of the δ^L line and
			// the m it leaves unused.
			s := string(raw)
			require.True(t, strings.Contains(r, "`/ m`") && strings.Contains(r, "`m := float64(len(X))`"),
				"the README says what to delete")
			require.Contains(t, s, "(1 - a[k]) / m\n")
			require.Contains(t, s, "\tm := float64(len(X))\n")
			s = strings.Replace(s, "(1 - a[k]) / m\n", "(1 - a[k])\n", 1)
			s = strings.Replace(s, "\tm := float64(len(X))\n", "", 1)
			raw = []byte(s)
		}
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), raw, 0o644))
	}
	cmd := exec.Command(goTool, "test")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off")
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "the test must fail: %s", out)
	assert.Equal(t, masked(want), masked(string(out)), "README.md's Go example: update it from go test's output")
}

// The README's regularized example: the numpy learner forgets / keep_prob,
// and with the line restored passes.
func TestREADMERegularized(t *testing.T) {
	if testing.Short() {
		t.Skip("runs python3")
	}
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import numpy").Run(); err != nil {
		t.Skipf("%s with numpy: %v", py, err)
	}
	r := readme(t)
	const save = "./backproof check --net 4,5,3 --batch 6 --convention column --lambda 0.7 --keep-prob 0.8 --seed 2 --save reg.json"
	const check = "./backproof check reg.json --gradient mine_reg.npz"
	require.True(t, strings.Contains(r, save) && strings.Contains(r, check), "the README's commands")
	script := readmeBlock(t, r, "where `mine_reg.py` is", "```python\n")
	wrong := readmeBlock(t, r, "where `mine_reg.py` is", "prints (exit status 1)\n\n```\n")

	t.Chdir(t.TempDir())
	code, _, errb := run(t, strings.Fields(strings.TrimPrefix(save, "./backproof "))...)
	require.Equal(t, 0, code, errb)
	for _, c := range []struct {
		script string
		code   int
	}{{script, 1}, {strings.Replace(script, "* D1                                  # ← forgot / keep_prob", "* D1 / keep_prob", 1), 0}} {
		require.NoError(t, os.WriteFile("mine_reg.py", []byte(c.script), 0o644))
		out, err := exec.Command(py, "mine_reg.py").CombinedOutput()
		require.NoError(t, err, string(out))
		code, got, _ := run(t, strings.Fields(strings.TrimPrefix(check, "./backproof "))...)
		assert.Equal(t, c.code, code, got)
		if c.code == 1 {
			assert.Equal(t, masked(wrong), masked(got), "README.md's regularized example: update it from the command's output")
		}
	}
}

package cli

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// The test binary doubles as the backproof command: with $childEnv set it
// runs the command line of its arguments as the real binary does (Run,
// with its signal handling) and exits, so that a test can limit, interrupt
// or kill a command without touching the test process.
const (
	childEnv      = "BACKPROOF_CLI_TEST_CHILD"
	childFSizeEnv = "BACKPROOF_CLI_TEST_FSIZE" // a file-size limit in bytes (ulimit -f)
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(runChild())
	}
	os.Exit(m.Run())
}

func runChild() int {
	if s := os.Getenv(childFSizeEnv); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err == nil {
			err = unix.Setrlimit(unix.RLIMIT_FSIZE, &unix.Rlimit{Cur: n, Max: n})
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "child: file-size limit:", err)
			return 99
		}
	}
	setupChild()
	return Run()
}

// child returns the command line args run by the test binary as backproof,
// with env added.
func child(t *testing.T, env []string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), childEnv+"=1"), env...)
	return cmd
}

// runOut runs cmd and returns its exit status and output.
func runOut(t *testing.T, cmd *exec.Cmd) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String(), errb.String()
	}
	require.NoError(t, err)
	return 0, out.String(), errb.String()
}

// snapshot is every path under dir with its content, mode and size ("/"
// for a folder), to show that a command left a folder as it was.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		rel, _ := filepath.Rel(dir, p)
		info, err := os.Lstat(p)
		require.NoError(t, err)
		switch {
		case d.IsDir():
			m[rel] = "/ " + info.Mode().String()
		case info.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			m[rel] = "-> " + target
		default:
			raw, err := os.ReadFile(p)
			require.NoError(t, err)
			m[rel] = info.Mode().String() + " " + string(raw)
		}
		return nil
	}))
	return m
}

// An output that is one of the command's inputs, or another of its
// outputs, is refused before any work: exit 2, one line naming both flags,
// and every file as it was.
func TestOutputOverlaps(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "p.json")
	g := filepath.Join(dir, "mine.npz")
	grads := filepath.Join(dir, "grads")
	code, _, errb := mainOut("check", "--net", "4,3,2", "--save", p)
	require.Equal(t, 0, code, errb)
	require.NoError(t, os.WriteFile(g, []byte("the learner's gradient"), 0o644))
	require.NoError(t, os.Mkdir(grads, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(grads, "dW1.npy"), []byte("an array"), 0o644))
	require.NoError(t, os.Symlink("p.json", filepath.Join(dir, "link.json")))
	before := snapshot(t, dir)
	in := func(name string) string { return filepath.Join(dir, name) }
	cases := []struct {
		args  []string
		wants []string
	}{
		{[]string{"check", p, "--gradient", g, "--save", g}, []string{"--save " + g, "--gradient file " + g}},
		{[]string{"check", p, "--gradient", g, "--step-plot", g}, []string{"--step-plot " + g, "--gradient file " + g}},
		{[]string{"check", p, "--step-plot", p}, []string{"--step-plot " + p, "problem file " + p}},
		{[]string{"check", p, "--save", p}, []string{"--save " + p, "problem file " + p}},
		{[]string{"check", p, "--save", in("link.json")}, []string{"--save " + in("link.json"), "problem file " + p}},
		{[]string{"check", in("link.json"), "--save", dir+"/./sub/../p.json"}, []string{"--save", "problem file " + in("link.json")}},
		{[]string{"check", "--save", in("x"), "--step-plot", in("x")}, []string{"--save " + in("x"), "--step-plot " + in("x")}},
		{[]string{"check", "--save", in("new.json"), "--step-plot", in("./new.json")}, []string{"--save", "--step-plot"}},
		{[]string{"check", p, "--gradient", grads, "--save", filepath.Join(grads, "dW1.npy")}, []string{"--save", "inside the --gradient folder " + grads}},
		{[]string{"check", p, "--gradient", grads, "--step-plot", filepath.Join(grads, "new.png")}, []string{"--step-plot", "inside the --gradient folder " + grads}},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errb := mainOut(tc.args...)
			assert.Equal(t, ExitBadInput, code, errb)
			assert.Empty(t, out)
			assert.Equal(t, 1, strings.Count(errb, "\n"), errb)
			for _, w := range tc.wants {
				assert.Contains(t, errb, w)
			}
			assert.Equal(t, before, snapshot(t, dir), "every file as it was")
		})
	}
	// The rule's other side: distinct files are written.
	code, _, errb = mainOut("check", p, "--save", in("copy.json"), "--step-plot", in("steps.png"))
	require.Equal(t, 0, code, errb)
	assert.FileExists(t, in("copy.json"))
	assert.FileExists(t, in("steps.png"))
}

// Output locations are checked before the work starts, and a failed
// command leaves nothing behind.
func TestOutputLocationsFirst(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "old.json"), []byte("keep"), 0o644))
	before := snapshot(t, dir)
	for _, tc := range []struct {
		args  []string
		wants []string
	}{
		// The problem file is missing too: the output is looked at first.
		{[]string{"check", filepath.Join(dir, "missing.json"), "--step-plot", "/missing/x.png"},
			[]string{"--step-plot", "cannot write /missing/x.png: the folder /missing does not exist"}},
		{[]string{"check", "--save", dir}, []string{"--save", dir + " is a folder, not a file"}},
		// The check fails after the outputs were reserved: they are removed.
		{[]string{"check", filepath.Join(dir, "missing.json"), "--save", filepath.Join(dir, "old.json"), "--step-plot", filepath.Join(dir, "new.png")},
			[]string{"missing.json", "no such file"}},
	} {
		code, out, errb := mainOut(tc.args...)
		assert.Equal(t, ExitBadInput, code, errb)
		assert.Empty(t, out)
		for _, w := range tc.wants {
			assert.Contains(t, errb, w)
		}
		assert.Equal(t, before, snapshot(t, dir), "%v: nothing created, nothing changed", tc.args)
	}
}

// A write that fails part-way (here a file-size limit, as `ulimit -f 1`
// sets) leaves the old file whole: exit 2, and no temporary file.
func TestFailedWriteKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "old.json")
	content := strings.Repeat("the learner's own problem file\n", 100) // 3,100 bytes, over the limit
	require.NoError(t, os.WriteFile(old, []byte(content), 0o644))
	before := snapshot(t, dir)
	code, out, errb := runOut(t, child(t, []string{childFSizeEnv + "=1024"}, "check", "--net", "4,3,2", "--save", old))
	assert.Equal(t, ExitBadInput, code, errb)
	assert.Empty(t, out)
	assert.Contains(t, errb, "--save")
	assert.Contains(t, errb, "file too large")
	assert.Equal(t, before, snapshot(t, dir))

	// --step-plot the same way.
	code, _, errb = runOut(t, child(t, []string{childFSizeEnv + "=1024"}, "check", "--net", "4,3,2", "--step-plot", filepath.Join(dir, "s.png")))
	assert.Equal(t, ExitBadInput, code, errb)
	assert.Contains(t, errb, "--step-plot")
	assert.Equal(t, before, snapshot(t, dir))
}

// setupChild prepares the test binary to act as backproof.
func setupChild() {}

package cli

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/backproof/backproof/experiments"
	"github.com/backproof/backproof/plots"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
			err = setFileSizeLimit(n)
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
		{[]string{"check", in("link.json"), "--save", dir + "/./sub/../p.json"}, []string{"--save", "problem file " + in("link.json")}},
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
	if runtime.GOOS == "windows" {
		t.Skip("no file-size limit")
	}
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

// childPauseEnv makes a child report stop after writing this figure, until
// a signal ends it.
const childPauseEnv = "BACKPROOF_CLI_TEST_PAUSE"

// setupChild prepares the test binary to act as backproof: the tiny report
// for speed, and the pause.
func setupChild() {
	reportPresets["quick"] = standInReport
	if pause := os.Getenv(childPauseEnv); pause != "" {
		reportFigureWritten = func(file string) {
			if file == pause {
				fmt.Fprintln(os.Stderr, "paused after", file)
				time.Sleep(time.Minute) // the test signals long before
			}
		}
	}
}

// standInReport is a stand-in for the report's content, smaller still than
// tinyReport: the tests that interrupt a report are about its files.
func standInReport() experiments.ReportSettings {
	s := tinyReport()
	s.TrainSize, s.ProbeExamples, s.SliceGrid = 100, 10, 3
	s.Batches, s.Etas = []int{10}, []float64{3}
	return s
}

// oldReport writes a report as an earlier run left it into dir/report,
// with a figure the new report does not draw, and the user's file beside.
func oldReport(t *testing.T, dir string) string {
	t.Helper()
	report := filepath.Join(dir, "report")
	require.NoError(t, os.MkdirAll(report, 0o755))
	for name, content := range map[string]string{
		reportFolder.Marker: "index.html\nindex.md\nstep-size.png\nold-figure.png\n",
		"index.html":        `<img src="step-size.png"><img src="old-figure.png">`, "index.md": "old",
		"step-size.png": "the old run's figure", "old-figure.png": "a figure of an older version",
	} {
		require.NoError(t, os.WriteFile(filepath.Join(report, name), []byte(content), 0o644))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("the user's"), 0o644))
	return report
}

// A report interrupted while it writes its figures (SIGTERM, SIGINT), or
// whose writes fail (a file-size limit), leaves the old report exactly as
// it was and nothing else behind; one that completes replaces the old
// report as a whole.
func TestReportInterrupted(t *testing.T) {
	if testing.Short() {
		t.Skip("loads MNIST and trains")
	}
	if runtime.GOOS == "windows" {
		t.Skip("no SIGTERM, no file-size limit")
	}
	t.Run("group", func(t *testing.T) {
		signame := map[syscall.Signal]string{syscall.SIGTERM: "SIGTERM", syscall.SIGINT: "SIGINT"}
		for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
			t.Run(signame[sig], func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				report := oldReport(t, dir)
				before := snapshot(t, dir)
				cmd := child(t, []string{childPauseEnv + "=step-size.png"}, "report", "--out", report)
				stderr, err := cmd.StderrPipe()
				require.NoError(t, err)
				require.NoError(t, cmd.Start())
				sc := bufio.NewScanner(stderr)
				paused := false
				for !paused && sc.Scan() {
					paused = sc.Text() == "paused after step-size.png"
				}
				require.True(t, paused, "the child reached the pause")
				// Mid-write: the new report is being written beside the old.
				entries, _ := os.ReadDir(dir)
				assert.Len(t, entries, 3, "report, notes.txt and the staged report: %v", entries)
				require.NoError(t, cmd.Process.Signal(sig))
				rest, _ := io.ReadAll(stderr)
				err = cmd.Wait()
				var ee *exec.ExitError
				require.ErrorAs(t, err, &ee)
				assert.Equal(t, 128+int(sig), ee.ExitCode())
				assert.True(t, strings.HasSuffix("\n"+string(rest), "\nbackproof: interrupted by "+signame[sig]+": nothing was written, the files it would have replaced are as they were\n"), string(rest))
				assert.Equal(t, before, snapshot(t, dir), "the old report intact, nothing left behind")
			})
		}
		t.Run("file-size limit", func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			report := oldReport(t, dir)
			before := snapshot(t, dir)
			code, out, errb := runOut(t, child(t, []string{childFSizeEnv + "=1024"}, "report", "--out", report))
			assert.Equal(t, ExitBadInput, code, errb)
			assert.Empty(t, out)
			assert.Contains(t, errb, "--out "+report)
			assert.Contains(t, errb, "file too large")
			assert.Equal(t, before, snapshot(t, dir), "the old report intact, nothing left behind")
		})
	})

	// Completed, the new report replaces the old one as a whole: the old
	// figures are gone, every figure an index names is there.
	quick := reportPresets["quick"]
	reportPresets["quick"] = standInReport
	defer func() { reportPresets["quick"] = quick }()
	dir := t.TempDir()
	report := oldReport(t, dir)
	code, _, errb := mainOut("report", "--out", report)
	require.Equal(t, ExitOK, code, errb)
	got := snapshot(t, dir)
	assert.Equal(t, "-rw-r--r-- the user's", got["notes.txt"])
	assert.NotContains(t, got, filepath.Join("report", "old-figure.png"))
	assert.NotEqual(t, "-rw-r--r-- the old run's figure", got[filepath.Join("report", "step-size.png")])
	entries, _ := os.ReadDir(report)
	assert.Len(t, entries, len(plots.ReportFigures)+3, "the figures, two indexes and the marker")
	marker, err := os.ReadFile(filepath.Join(report, reportFolder.Marker))
	require.NoError(t, err)
	for _, f := range plots.ReportFigures {
		assert.Contains(t, string(marker), "\n"+f.File+"\n")
	}
	entries, _ = os.ReadDir(dir)
	assert.Len(t, entries, 2, "report and notes.txt, no staged or old folder left")
}

// report --out and train --plots write only into a folder that is missing,
// empty, or theirs from an earlier run; anything else is refused before
// any work, saying --force; a failed run leaves no folder behind.
func TestOutputFolders(t *testing.T) {
	dir := t.TempDir()
	in := func(name string) string { return filepath.Join(dir, name) }
	require.NoError(t, os.MkdirAll(in("site"), 0o755))
	require.NoError(t, os.WriteFile(in("site/index.html"), []byte("the user's site"), 0o644))
	require.NoError(t, os.WriteFile(in("site/index.md"), []byte("the user's notes"), 0o644))
	oldReport(t, dir)
	require.NoError(t, os.MkdirAll(in("empty"), 0o755))
	require.NoError(t, os.MkdirAll(in("read-only"), 0o555))
	before := snapshot(t, dir)
	for _, tc := range []struct {
		args  []string
		wants []string
	}{
		{[]string{"report", "--out", in("site")}, []string{"--out " + in("site") + " holds files that backproof did not write (index.html, index.md)", "--force"}},
		// A report is not train's figures, nor the other way round.
		{[]string{"train", "--data", "xor", "--plots", in("report")}, []string{"--plots " + in("report") + " holds files that backproof did not write", "--force"}},
		{[]string{"train", "--data", "xor", "--force"}, []string{"--force", "without --plots"}},
		// Refused before MNIST is read: the --mnist folder is missing too.
		{[]string{"report", "--out", "/proc/backproof-test/report", "--mnist", in("none")}, []string{"--out /proc/backproof-test/report"}},
		{[]string{"report", "--out", in("read-only"), "--mnist", in("none")}, []string{"--out " + in("read-only") + ": the folder is read-only"}},
		{[]string{"check", "--net", "4,3,2", "--save", in("read-only/p.json")}, []string{"--save", in("read-only")}},
		{[]string{"report", "--out="}, []string{"--out is empty"}},
		{[]string{"train", "--data", "xor", "--plots="}, []string{"--plots is empty"}},
		{[]string{"check", "--save="}, []string{"--save is empty"}},
		{[]string{"check", "--step-plot", ""}, []string{"--step-plot is empty"}},
		{[]string{"report", "--out", in("notes.txt")}, []string{"--out " + in("notes.txt"), "is a file, not a folder"}},
		{[]string{"report", "--out", in("empty"), "--mnist", in("empty")}, []string{"--out " + in("empty"), "--mnist folder " + in("empty")}},
		{[]string{"report", "--out", dir, "--mnist", in("empty")}, []string{"--mnist folder " + in("empty") + " is inside the --out folder " + dir}},
		// MNIST is not in the empty folder: the report fails after its
		// folders were made, and removes them.
		{[]string{"report", "--out", in("new/sub/report"), "--mnist", in("empty")}, []string{"--mnist", in("empty")}},
		{[]string{"train", "--plots", in("new/plots"), "--mnist", in("empty")}, []string{in("empty")}},
	} {
		code, out, errb := mainOut(quick(tc.args)...)
		assert.Equal(t, ExitBadInput, code, "%v: %s", tc.args, errb)
		assert.Empty(t, out)
		assert.Equal(t, 1, strings.Count(errb, "backproof: "), "one error line (report may show its stages): %s", errb)
		for _, w := range tc.wants {
			assert.Contains(t, errb, w)
		}
		assert.Equal(t, before, snapshot(t, dir), "%v: nothing created, nothing changed", tc.args)
	}

	// train --plots: a new folder, then the same folder again (replaced),
	// then with --force into the user's site, whose other files stay.
	for _, plotsDir := range []string{in("plots"), in("plots"), in("empty")} {
		code, out, errb := mainOut("train", "--data", "xor", "--epochs", "1", "--plots", plotsDir)
		require.Equal(t, 0, code, errb)
		assert.Contains(t, out, filepath.Join(plotsDir, "cost.png"))
		got := snapshot(t, plotsDir)
		assert.Len(t, got, len(plots.HistoryFigures)+2, "the figures, the marker and the folder: %v", got)
		assert.Contains(t, got[plotsFolder.Marker], "cost.png\n")
	}
	code, _, errb := mainOut("train", "--data", "xor", "--epochs", "1", "--plots", in("site"), "--force")
	require.Equal(t, 0, code, errb)
	got := snapshot(t, in("site"))
	assert.Equal(t, "-rw-r--r-- the user's site", got["index.html"])
	assert.FileExists(t, in("site/cost.png"))
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{"empty", "notes.txt", "plots", "read-only", "report", "site"}, names, "no staged folder left")
}

// Folders written before there were marker files are recognised by their
// files: the report by its index's title and figure names, train's figures
// by all five names and nothing else.
func TestUnmarkedFolders(t *testing.T) {
	index, err := os.ReadFile("../docs/report/index.html")
	require.NoError(t, err)
	dir := t.TempDir()
	var names []string
	for _, f := range plots.ReportFigures {
		names = append(names, f.File)
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "index.html"), index, 0o644))
	assert.True(t, unmarkedReport(dir, append([]string{"index.html", "index.md"}, names...)))
	assert.True(t, unmarkedReport(dir, []string{"index.html", names[0]}), "figures of an older version may be missing")
	assert.False(t, unmarkedReport(dir, []string{"index.html", "notes.txt"}), "a file the report does not write")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "index.html"), []byte("<title>my site</title>"), 0o644))
	assert.False(t, unmarkedReport(dir, []string{"index.html"}), "another index")

	var figs []string
	for _, f := range plots.HistoryFigures {
		figs = append(figs, f.File)
	}
	assert.True(t, unmarkedPlots("", figs))
	assert.False(t, unmarkedPlots("", figs[1:]), "one missing")
	assert.False(t, unmarkedPlots("", append(figs, "notes.txt")))

	// train --plots over an earlier run's unmarked figures replaces them.
	old := filepath.Join(dir, "plateau")
	require.NoError(t, os.Mkdir(old, 0o755))
	for _, f := range figs {
		require.NoError(t, os.WriteFile(filepath.Join(old, f), []byte("an earlier run's"), 0o644))
	}
	code, _, errb := mainOut("train", "--data", "xor", "--epochs", "0", "--plots", old)
	require.Equal(t, 0, code, errb)
	got := snapshot(t, old)
	assert.Len(t, got, len(figs)+2)
	assert.NotEqual(t, "-rw-r--r-- an earlier run's", got["cost.png"])
}

// A check interrupted while it draws its step plot leaves --save's old
// file as it was and creates no --step-plot file.
func TestCheckInterrupted(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT to send")
	}
	dir := t.TempDir()
	old := filepath.Join(dir, "old.json")
	require.NoError(t, os.WriteFile(old, []byte("the learner's problem"), 0o644))
	before := snapshot(t, dir)
	// The step plot of this net takes seconds: the signal comes first.
	cmd := child(t, nil, "check", "--net", "100,30,10", "--batch", "20", "--save", old, "--step-plot", filepath.Join(dir, "s.png"))
	var errb bytes.Buffer
	cmd.Stderr = &errb
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// Once both outputs are staged (old.json and two temporary files),
	// the check is under way. No deadline of its own: on a loaded machine
	// the child may take long to get there, and the test's timeout
	// bounds the wait; a child that exits first fails the test.
	for staged := false; !staged; {
		select {
		case err := <-exited:
			t.Fatalf("the child exited (%v) before staging its outputs:\n%s", err, errb.String())
		case <-time.After(10 * time.Millisecond):
			entries, _ := os.ReadDir(dir)
			staged = len(entries) == 3
		}
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	err := <-exited
	rest := errb.String()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, 130, ee.ExitCode())
	assert.Contains(t, rest, "backproof: interrupted by SIGINT: nothing was written")
	assert.Equal(t, before, snapshot(t, dir))
}

package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/backproof/backproof/experiments"
	"github.com/backproof/backproof/plots"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tinyReport is the quick report cut to the bone, so that the command's
// test runs in seconds: one epoch on 500 images, two η, two batch sizes.
func tinyReport() experiments.ReportSettings {
	s := experiments.QuickReport()
	s.Name, s.Epochs, s.TrainSize = "tiny", 1, 500
	s.Checkpoints, s.ProbeExamples, s.SliceGrid = []int{0, 1}, 50, 5
	s.Batches, s.Etas = []int{10, 100}, []float64{0.1, 3}
	return s
}

// The report writes every figure and both indexes, and every image an
// index references exists.
func TestReportWritesEverything(t *testing.T) {
	if testing.Short() {
		t.Skip("loads MNIST and trains")
	}
	quick := reportPresets["quick"]
	reportPresets["quick"] = tinyReport
	defer func() { reportPresets["quick"] = quick }()
	dir := filepath.Join(t.TempDir(), "new", "report")
	code, stdout, stderr := mainOut("report", "--out", dir)
	require.Equal(t, ExitOK, code, stderr)
	assert.Contains(t, stdout, filepath.Join(dir, "index.html"))
	// No terminal: no bar, a line for each stage, naming it, with the
	// time left when it was estimated.
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	require.Len(t, lines, 3, stderr)
	for i, line := range lines {
		assert.Regexp(t, fmt.Sprintf(`^report: stage %d of 3, .+: (about \d+(m\d+)?s left|done)$`, i+1), line)
	}
	assert.Contains(t, lines[1], "MNIST runs")
	assert.Contains(t, lines[2], "figures")
	for _, f := range plots.ReportFigures {
		info, err := os.Stat(filepath.Join(dir, f.File))
		require.NoError(t, err, f.File)
		assert.Greater(t, info.Size(), int64(1000), f.File)
	}
	for _, index := range []string{"index.html", "index.md"} {
		raw, err := os.ReadFile(filepath.Join(dir, index))
		require.NoError(t, err)
		refs := regexp.MustCompile(`(?:src="|\]\()([^")]+\.png)`).FindAllStringSubmatch(string(raw), -1)
		assert.Len(t, refs, len(plots.ReportFigures), index)
		for _, m := range refs {
			assert.FileExists(t, filepath.Join(dir, m[1]), "%s references %s", index, m[1])
		}
		assert.Contains(t, string(raw), "1 epoch on the first 500 training images", index)
		assert.Contains(t, string(raw), "Time taken", index)
		// A caption quotes only what its runs measured.
		assert.Empty(t, regexp.MustCompile(`.{0,60}NaN.{0,20}`).FindAllString(string(raw), -1), index)
	}
}

func TestReportBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"report", "--quick", "--full"},
		{"report", "--epochs", "0"},
		{"report", "--train-size", "50"},
		{"report", "--seed", "0"},
		{"report", "extra"},
	} {
		code, _, stderr := mainOut(args...)
		assert.Equal(t, ExitBadInput, code, "%v", args)
		assert.Regexp(t, `^backproof: .*\n$`, stderr, "one line naming the problem: %v", args)
	}
	// MNIST not where --mnist says.
	code, _, stderr := mainOut("report", "--out", t.TempDir(), "--mnist", filepath.Join(t.TempDir(), "none"))
	assert.Equal(t, ExitBadInput, code)
	assert.Contains(t, stderr, "--mnist")
	// An --out that cannot be a folder.
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	code, _, stderr = mainOut("report", "--out", filepath.Join(file, "sub"))
	assert.Equal(t, ExitBadInput, code)
	assert.Contains(t, stderr, "--out")
}

package report

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/backproof/backproof/plots"
	"github.com/backproof/backproof/plots/plotstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Write writes every figure and both indexes, every image an index
// references exists, and each caption and the settings are in both.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	paths, err := Write(plotstest.Results(t), dir, nil)
	require.NoError(t, err)
	assert.Len(t, paths, len(plots.ReportFigures)+2)
	for _, name := range []string{"index.html", "index.md"} {
		raw, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		text := string(raw)
		var refs []string
		re := regexp.MustCompile(`\(([a-z0-9-]+\.png)\)|src="([^"]+)"`)
		for _, m := range re.FindAllStringSubmatch(text, -1) {
			refs = append(refs, m[1]+m[2])
		}
		require.Len(t, refs, len(plots.ReportFigures), name)
		for _, ref := range refs {
			assert.FileExists(t, filepath.Join(dir, ref), "%s references %s", name, ref)
		}
		assert.Contains(t, text, "Derivative of Cost Function with Respect to Output Layer Weight")
		assert.Contains(t, text, "Neural Networks and Deep Learning")
		assert.Contains(t, text, "4 epochs")
		assert.Contains(t, text, "Time taken")
	}
	for _, f := range plots.ReportFigures {
		assert.FileExists(t, filepath.Join(dir, f.File))
	}
}

package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backproof/backproof/plots"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The docs that list the report's files name every figure it writes:
// docs/contracts.md, whose names other tools rely on, and docs/report.md,
// which describes each one.
func TestDocsNameEveryFigure(t *testing.T) {
	for _, doc := range []string{"contracts.md", "report.md"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "docs", doc))
		require.NoError(t, err)
		text := string(b)
		if doc == "contracts.md" {
			i := strings.Index(text, "## `backproof report --out DIR`")
			require.GreaterOrEqual(t, i, 0, "docs/contracts.md has the report's section")
			text = text[i:]
			if j := strings.Index(text[3:], "\n## "); j >= 0 {
				text = text[:j+3]
			}
		}
		for _, f := range plots.ReportFigures {
			assert.Contains(t, text, f.File, "docs/%s names %s", doc, f.File)
		}
	}
}

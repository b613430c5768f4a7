package notebooks_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// measured matches the numbers a lesson's prose quotes from a run: a
// percentage (29.34%) or a number in scientific notation (1.5e-13).
var measured = regexp.MustCompile(`\d+(?:\.\d+)?%|\d(?:\.\d+)?e-\d+`)

// constants are the numbers of that form a lesson's prose states as facts
// of the method, not as results of its runs.
var constants = map[string][]string{
	"finite-differences.ipynb": {"100%"}, // what a relative error of 1 reads as
	"plateau.ipynb":            {"2.7%"}, // σ′(5)/σ′(0), the saturation threshold
}

// Every measured number a lesson's markdown quotes is one its own committed
// outputs print (text, or a caption the library filled from the run), so
// that prose and outputs cannot drift apart when the lesson is run again.
func TestQuotedNumbersComeFromOutputs(t *testing.T) {
	paths, err := filepath.Glob("*.ipynb")
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	for _, path := range paths {
		t.Run(path, func(t *testing.T) {
			raw, err := os.ReadFile(path)
			require.NoError(t, err)
			var nb struct {
				Cells []struct {
					CellType string          `json:"cell_type"`
					Source   json.RawMessage `json:"source"`
					Outputs  []struct {
						Text json.RawMessage            `json:"text"`
						Data map[string]json.RawMessage `json:"data"`
					} `json:"outputs"`
				} `json:"cells"`
			}
			require.NoError(t, json.Unmarshal(raw, &nb))
			var outs strings.Builder
			for _, c := range nb.Cells {
				for _, o := range c.Outputs {
					outs.WriteString(text(o.Text))
					for k, v := range o.Data {
						if strings.HasPrefix(k, "text/") {
							outs.WriteString(text(v))
						}
					}
				}
			}
			out := outs.String()
			for _, c := range nb.Cells {
				if c.CellType != "markdown" {
					continue
				}
				for _, n := range measured.FindAllString(text(c.Source), -1) {
					if contains(constants[path], n) {
						continue
					}
					assert.Contains(t, out, n, "%s quotes %s, which none of its outputs prints: quote the output, or run bash notebooks/run.sh --write", path, n)
				}
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

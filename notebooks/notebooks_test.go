// Package notebooks_test checks the committed lessons without Jupyter: that
// each one carries its outputs and at least one figure (GitHub shows them
// as committed), that none shows an error, that each pins the gonb kernel's
// display package to the version the tools module builds, that each names
// its sources, and that the README lists every one. Executing them is
// notebooks/run.sh's job; this is what `go test ./...` can see.
package notebooks_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// notebook is the part of the nbformat 4 schema these tests read.
type notebook struct {
	Metadata struct {
		Kernelspec struct {
			Name string `json:"name"`
		} `json:"kernelspec"`
	} `json:"metadata"`
	Cells []struct {
		CellType string          `json:"cell_type"`
		Source   json.RawMessage `json:"source"` // a string or a list of lines
		Outputs  []struct {
			OutputType string                     `json:"output_type"`
			Name       string                     `json:"name"`
			Data       map[string]json.RawMessage `json:"data"`
		} `json:"outputs"`
	} `json:"cells"`
}

// text joins a cell's source, which nbformat stores as a string or a list.
func text(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var lines []string
	if json.Unmarshal(raw, &lines) == nil {
		return strings.Join(lines, "")
	}
	return ""
}

// pngOf decodes an image/png output, stored as base64 text (a string or a
// list of lines).
func pngOf(t *testing.T, raw json.RawMessage) []byte {
	b, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(text(raw), "\n", ""))
	require.NoError(t, err)
	return b
}

func lessons(t *testing.T) []string {
	paths, err := filepath.Glob("*.ipynb")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(paths), 7, "issue 10 asks for at least seven lessons")
	return paths
}

func TestCommittedLessons(t *testing.T) {
	gonbVersion := regexp.MustCompile(`github\.com/janpfeifer/gonb v(\S+)`)
	mod, err := os.ReadFile(filepath.Join("tools", "go.mod"))
	require.NoError(t, err)
	m := gonbVersion.FindSubmatch(mod)
	require.NotNil(t, m, "tools/go.mod requires gonb")
	pinned := "github.com/janpfeifer/gonb@v" + string(m[1])

	for _, path := range lessons(t) {
		t.Run(path, func(t *testing.T) {
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			var nb notebook
			require.NoError(t, json.Unmarshal(b, &nb))
			assert.Equal(t, "gonb", nb.Metadata.Kernelspec.Name)

			var code, markdown []string
			figures := 0
			for i, c := range nb.Cells {
				src := text(c.Source)
				if c.CellType == "markdown" {
					markdown = append(markdown, src)
					continue
				}
				code = append(code, src)
				if strings.Contains(src, "%%") {
					assert.NotEmpty(t, c.Outputs, "cell %d runs code but has no output: refresh with bash notebooks/run.sh --write", i)
				}
				for _, o := range c.Outputs {
					assert.NotEqual(t, "error", o.OutputType, "cell %d", i)
					assert.False(t, o.OutputType == "stream" && o.Name == "stderr", "cell %d writes to stderr", i)
					if raw, ok := o.Data["image/png"]; ok {
						img, err := png.Decode(bytes.NewReader(pngOf(t, raw)))
						require.NoError(t, err, "cell %d: the figure is not a PNG", i)
						assert.Greater(t, img.Bounds().Dx(), 100, "cell %d: figure width", i)
						figures++
					}
				}
			}
			assert.Positive(t, figures, "no figure: the lesson must show one inline")
			require.NotEmpty(t, code)
			assert.Contains(t, code[0], "-replace=github.com/backproof/backproof=${GONB_DIR}/..", "the first cell points at this checkout")
			assert.Contains(t, code[0], pinned, "the first cell pins gonb's display package to the version tools/go.mod builds")
			assert.Contains(t, strings.Join(markdown, "\n"), `Physics Forums thread "Derivative of Cost Function with Respect to Output Layer Weight"`,
				"the lesson names the thread it cites")
		})
	}
}

// TestREADMEListsLessons: the README's Notebooks section names every lesson.
func TestREADMEListsLessons(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "README.md"))
	require.NoError(t, err)
	readme := string(b)
	i := strings.Index(readme, "\n## Notebooks\n")
	require.GreaterOrEqual(t, i, 0, "README.md has a Notebooks section")
	section := readme[i+1:]
	if j := strings.Index(section[3:], "\n## "); j >= 0 {
		section = section[:j+3]
	}
	for _, path := range lessons(t) {
		assert.Contains(t, section, "`"+path+"`", "README's Notebooks section lists %s", path)
	}
}

package cli

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var updateDoc = flag.Bool("update", false, "rewrite docs/cli.md from the command definitions")

// TestCLIDoc fails when docs/cli.md is not what WriteMarkdown writes from
// the commands as they are now; -update rewrites it.
func TestCLIDoc(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteMarkdown(&b))
	path := filepath.Join("..", "docs", "cli.md")
	if *updateDoc {
		require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
		return
	}
	committed, err := os.ReadFile(path)
	require.NoError(t, err, "docs/cli.md is missing: run %s", RegenerateDoc)
	if !bytes.Equal(committed, b.Bytes()) {
		t.Fatalf("docs/cli.md is stale: the commands changed since it was generated; run %s and commit it", RegenerateDoc)
	}
}

// TestCLIDocCoversEveryFlag checks the page against the command tree by a
// route that shares nothing with WriteMarkdown's walk: every flag a command
// accepts, as its --help prints it, appears in that command's section.
func TestCLIDocCoversEveryFlag(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteMarkdown(&b))
	doc := b.String()
	root := newRoot()
	require.NotEmpty(t, root.Commands())
	for _, c := range root.Commands() {
		head := "\n## " + c.CommandPath() + "\n"
		i := strings.Index(doc, head)
		require.GreaterOrEqual(t, i, 0, "no section for %s", c.CommandPath())
		section := doc[i+len(head):]
		if j := strings.Index(section, "\n## "); j >= 0 {
			section = section[:j]
		}
		var help bytes.Buffer
		c.SetOut(&help)
		require.NoError(t, c.Help())
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if f.Name == "help" || f.Hidden {
				return
			}
			assert.Contains(t, help.String(), "--"+f.Name, "%s --help lacks --%s", c.Name(), f.Name)
			assert.Contains(t, section, "`--"+f.Name, "docs section of %s lacks --%s", c.CommandPath(), f.Name)
		})
		assert.Contains(t, section, c.Short)
	}
	// The exit statuses and the global flags, from the root's help.
	assert.Contains(t, doc, strings.TrimSpace(root.Long))
	for _, code := range []int{ExitOK, ExitMismatch, ExitBadInput, ExitInternal} {
		assert.Contains(t, root.Long, fmt.Sprintf("  %d  ", code), "the root's help names exit status %d", code)
	}
	root.PersistentFlags().VisitAll(func(f *pflag.Flag) {
		assert.Contains(t, doc, "`--"+f.Name, "global flag --%s", f.Name)
	})
}

// TestCLIDocCells: a | inside a help text must not split a table row.
func TestCLIDocCells(t *testing.T) {
	assert.Equal(t, `a \| b c`, cell("a | b\n  c"))
	assert.Equal(t, "backproof-check", anchor("backproof check"))
	assert.Equal(t, "backproof check x\n  y", exampleBlock("  backproof check x\n    y\n"))
}

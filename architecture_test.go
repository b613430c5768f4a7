package backproof

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestArchitectureDoc keeps docs/architecture.md true to the code: it
// names every package of the module, every path it gives exists, every
// file it names is somewhere in the repository, and every pkg.Name it
// gives is declared in that package.
func TestArchitectureDoc(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("docs", "architecture.md"))
	require.NoError(t, err)
	doc := string(raw)

	out, err := exec.Command("go", "list", "./...").Output()
	require.NoError(t, err)
	const module = "github.com/backproof/backproof"
	for _, pkg := range strings.Fields(string(out)) {
		dir := strings.TrimPrefix(strings.TrimPrefix(pkg, module), "/")
		if dir == "" || strings.HasPrefix(dir, "bench/") {
			continue // the root is the doc's subject; bench/'s commands are bench
		}
		assert.True(t, strings.Contains(doc, "`"+dir+"`") || strings.Contains(doc, "`"+dir+"/"),
			"docs/architecture.md does not name the package %s", dir)
	}

	files := map[string]bool{}
	require.NoError(t, filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files[d.Name()] = true
		}
		return err
	}))
	for _, m := range regexp.MustCompile("`([^` ]+)`").FindAllStringSubmatch(doc, -1) {
		code := m[1]
		switch {
		case strings.HasSuffix(code, "testdata/"):
		case strings.Contains(code, "/"):
			_, err := os.Stat(filepath.FromSlash(strings.TrimSuffix(code, "/")))
			assert.NoError(t, err, "docs/architecture.md names %s", code)
		case strings.HasSuffix(code, ".go") || strings.HasSuffix(code, ".py"):
			assert.True(t, files[code], "docs/architecture.md names %s, which no folder holds", code)
		}
	}

	for _, m := range regexp.MustCompile("`([a-z]+)\\.([A-Z][A-Za-z]*)`").FindAllStringSubmatch(doc, -1) {
		pkg, name := m[1], m[2]
		dir := pkg
		if pkg == "backproof" {
			dir = "."
		}
		if _, err := os.Stat(dir); err != nil {
			continue // not this module's (gonum's fd, testing)
		}
		assert.True(t, declares(t, dir, name), "docs/architecture.md names %s.%s, which package %s does not declare", pkg, name, pkg)
	}
}

// declares reports whether the Go package in dir declares name at its top
// level (not counting tests).
func declares(t *testing.T, dir, name string) bool {
	t.Helper()
	pkgs, err := parser.ParseDir(token.NewFileSet(), dir, func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	require.NoError(t, err)
	for _, p := range pkgs {
		for _, f := range p.Files {
			for _, d := range f.Decls {
				switch d := d.(type) {
				case *ast.FuncDecl:
					if d.Recv == nil && d.Name.Name == name {
						return true
					}
				case *ast.GenDecl:
					for _, s := range d.Specs {
						switch s := s.(type) {
						case *ast.TypeSpec:
							if s.Name.Name == name {
								return true
							}
						case *ast.ValueSpec:
							for _, n := range s.Names {
								if n.Name == name {
									return true
								}
							}
						}
					}
				}
			}
		}
	}
	return false
}

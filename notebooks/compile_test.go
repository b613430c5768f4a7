package notebooks_test

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const gonbui = "github.com/janpfeifer/gonb/gonbui"

// TestLessonsCompile compiles the Go code of every lesson against the
// library as it is now, so that a change of the library's API that breaks a
// lesson fails `go test ./...` and not only the notebook run. gonb runs a
// cell as its declarations plus, after a %% line, the body of main; here
// the declarations of all cells go into one file, each body becomes a
// function, and gonb's display package is replaced by a stub of the calls
// the lessons make. Shell lines (!…) are left out.
func TestLessonsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles every lesson with the go command")
	}
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	require.NoError(t, err)
	for _, path := range lessons(t) {
		t.Run(path, func(t *testing.T) {
			src, err := program(path)
			require.NoError(t, err)
			dir := t.TempDir()
			write := func(name, text string) {
				require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
				require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
			}
			write("go.mod", fmt.Sprintf("module lesson\n\ngo 1.26\n\nrequire github.com/backproof/backproof v0.0.0\n\nreplace github.com/backproof/backproof => %s\n", root))
			write("go.sum", string(sum))
			write("gonbui/gonbui.go", "// Package gonbui stands in for gonb's display package.\npackage gonbui\n\n"+
				"func DisplayPNG(png []byte)        {}\nfunc DisplayMarkdown(md string)   {}\nfunc DisplayHTML(html string)     {}\nfunc Sync()                        {}\n")
			write("main.go", src)
			cmd := exec.Command("go", "build", "-mod=mod", "-o", os.DevNull, ".")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off")
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s does not compile against the library:\n%s\nthe program:\n%s", path, out, numbered(src))
		})
	}
}

// program turns a lesson's code cells into one Go program.
func program(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	var nb notebook
	if err := json.Unmarshal(b, &nb); err != nil {
		return "", err
	}
	imports := map[string]bool{}
	var decls, bodies []string
	fset := token.NewFileSet()
	for i, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		var head, body []string
		inBody := false
		for _, line := range strings.Split(text(c.Source), "\n") {
			switch {
			case strings.HasPrefix(line, "!"):
			case strings.TrimSpace(line) == "%%":
				inBody = true
			case inBody:
				body = append(body, line)
			default:
				head = append(head, line)
			}
		}
		f, err := parser.ParseFile(fset, fmt.Sprintf("%s cell %d", path, i), "package main\n"+strings.Join(head, "\n"), parser.ParseComments)
		if err != nil {
			return "", err
		}
		src := "package main\n" + strings.Join(head, "\n")
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
				for _, s := range g.Specs {
					p, _ := strconv.Unquote(s.(*ast.ImportSpec).Path.Value)
					imports[p] = true
				}
				continue
			}
			start, end := fset.Position(d.Pos()).Offset, fset.Position(d.End()).Offset
			if doc := docOf(d); doc != nil {
				start = fset.Position(doc.Pos()).Offset
			}
			decls = append(decls, src[start:end])
		}
		if inBody {
			bodies = append(bodies, fmt.Sprintf("// cell %d\nfunc cell%d() {\n%s\n}", i, i, strings.Join(body, "\n")))
		}
	}
	var paths []string
	for p := range imports {
		if p == gonbui {
			p = "lesson/gonbui"
		}
		paths = append(paths, strconv.Quote(p))
	}
	sort.Strings(paths)
	return "package main\n\nimport (\n\t" + strings.Join(paths, "\n\t") + "\n)\n\n" +
		strings.Join(decls, "\n\n") + "\n\n" + strings.Join(bodies, "\n\n") + "\n\nfunc main() {}\n", nil
}

func docOf(d ast.Decl) *ast.CommentGroup {
	switch d := d.(type) {
	case *ast.FuncDecl:
		return d.Doc
	case *ast.GenDecl:
		return d.Doc
	}
	return nil
}

func numbered(src string) string {
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		lines[i] = fmt.Sprintf("%4d  %s", i+1, l)
	}
	return strings.Join(lines, "\n")
}

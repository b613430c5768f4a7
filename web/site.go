package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// Module is the module the page is built from.
const Module = "github.com/backproof/backproof"

// Checker is the page's WebAssembly file, the checker of derivations and
// of arrays, and the package it is compiled from.
var Checker = struct{ File, Package string }{"backproof.wasm", "./web/wasm"}

//go:embed static
var static embed.FS

// BuildFlags are the go build flags of the checker: no paths of this
// machine in it (-trimpath), no symbol table or debug information (-s
// -w), and no inlining (-l), which makes the file larger but its gzip
// some 7 % smaller, and costs the page's checks nothing it can notice.
var BuildFlags = []string{"-trimpath", "-gcflags=all=-l", "-ldflags=-s -w"}

// Files are the site's files, in the order Build writes them.
var Files = []string{"index.html", "app.js", "style.css", "sw.js", "wasm_exec.js", "backproof.wasm"}

// Settings say where Build finds the go tool and the module's source.
// Every zero field has its default.
type Settings struct {
	// Go is the go command (default "go", found on PATH).
	Go string
	// Source is the folder holding the module's go.mod (default: the
	// folder above the working directory that holds it, else the one this
	// file was compiled from).
	Source string
}

// Build writes the site into dir, an existing, empty folder: the page's
// files and the checker, compiled now from the module's source with the
// go tool for GOOS=js GOARCH=wasm (BuildFlags), and the go tool's own
// wasm_exec.js, which must match the Go that compiled it. Its writes are
// plain because dir is a folder of backproof's own, staged beside the
// user's --out and swapped in whole or removed (outfile.Folder). A folder
// that holds anything is refused before any work, so that whoever calls
// Build, no file a user owns is ever written in place.
func Build(dir string, s *Settings) error {
	if s == nil {
		s = &Settings{}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("the site's folder: %v", err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("the site's folder %s is not empty (it holds %s): Build writes only into an empty folder of its own, which the caller then puts in place (backproof web --out stages one beside the target)", dir, entries[0].Name())
	}
	goCmd := s.Go
	if goCmd == "" {
		goCmd = "go"
	}
	if _, err := exec.LookPath(goCmd); err != nil {
		return fmt.Errorf("the page's checker is compiled by the go tool, which is not on PATH (%v): install Go from go.dev/dl", err)
	}
	src := s.Source
	if src == "" {
		var err error
		if src, err = findSource(); err != nil {
			return err
		}
	}
	build := exec.Command(goCmd, append([]string{"build"}, append(BuildFlags, "-o", filepath.Join(dir, Checker.File), Checker.Package)...)...)
	build.Dir = src
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("compiling the checker to WebAssembly (GOOS=js GOARCH=wasm go build %s in %s): %v\n%s", Checker.Package, src, err, out)
	}
	if err := packFile(filepath.Join(dir, Checker.File)); err != nil {
		return err
	}
	root, err := exec.Command(goCmd, "env", "GOROOT").Output()
	if err != nil {
		return fmt.Errorf("finding wasm_exec.js (go env GOROOT): %v", err)
	}
	goroot := strings.TrimSpace(string(root))
	var glue []byte
	for _, p := range []string{"lib/wasm/wasm_exec.js", "misc/wasm/wasm_exec.js"} { // Go 1.24 on, and before
		if glue, err = os.ReadFile(filepath.Join(goroot, p)); err == nil {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("the go tool's wasm_exec.js is not in %s/lib/wasm: %v", goroot, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "wasm_exec.js"), glue, 0o644); err != nil {
		return err
	}
	// The service worker's cache is named after what it caches, so that
	// a new build replaces the old one in the browsers that keep it.
	version, err := fingerprint(dir, glue)
	if err != nil {
		return err
	}
	for _, name := range []string{"index.html", "app.js", "style.css", "sw.js"} {
		data, err := static.ReadFile("static/" + name)
		if err != nil {
			return err // a file the build embeds: a bug
		}
		data = bytes.ReplaceAll(data, []byte("@VERSION@"), []byte(version))
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// packFile rewrites the checker the go tool wrote with its data segments
// joined (packSegments), which takes about a tenth off its gzip. A module
// packSegments cannot read (a later Go writing another kind of segment)
// is left as the go tool wrote it: the page works as well, only larger,
// and TestSiteSize says so.
func packFile(path string) error {
	wasm, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	packed, err := packSegments(wasm, maxGap)
	if err != nil {
		return nil
	}
	return os.WriteFile(path, packed, 0o644)
}

// fingerprint is a short hash of the checker and the page's files.
func fingerprint(dir string, glue []byte) (string, error) {
	h := sha256.New()
	wasm, err := os.ReadFile(filepath.Join(dir, Checker.File))
	if err != nil {
		return "", err
	}
	h.Write(wasm)
	h.Write(glue)
	err = fs.WalkDir(static, "static", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := static.ReadFile(path)
		h.Write(data)
		return err
	})
	return hex.EncodeToString(h.Sum(nil))[:12], err
}

// findSource finds the module's source: the folder above the working
// directory whose go.mod declares Module, else the one this file was
// compiled from, if it is still there.
func findSource() (string, error) {
	if wd, err := os.Getwd(); err == nil {
		for d := wd; ; d = filepath.Dir(d) {
			if isModule(d) {
				return d, nil
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		if d := filepath.Dir(filepath.Dir(file)); isModule(d) {
			return d, nil
		}
	}
	return "", errors.New("the page's checker is compiled from backproof's source, which is not here: run the command in a checkout of " + Module + " (go run ./cmd/backproof web --out DIR)")
}

func isModule(dir string) bool {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	first, _, _ := strings.Cut(string(data), "\n")
	return strings.TrimSpace(first) == "module "+Module
}

// Size is the size in bytes of the files named, in dir, as files and
// gzip-compressed (each file at the best compression, as a server that
// compresses sends it).
func Size(dir string, names []string) (raw, gz int64, err error) {
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return 0, 0, err
		}
		raw += int64(len(data))
		var b bytes.Buffer
		w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		w.Write(data)
		w.Close()
		gz += int64(b.Len())
	}
	return raw, gz, nil
}

// Handler serves the site in dir as any static file server would, with
// the .wasm file as application/wasm (which streaming compilation needs)
// and no caching by the browser beyond the page's own service worker.
func Handler(dir string) http.Handler {
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".wasm") {
			w.Header().Set("Content-Type", "application/wasm")
		}
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})
}

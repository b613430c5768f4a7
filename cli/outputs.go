package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/backproof/backproof/outfile"
	"github.com/backproof/backproof/plots"
)

// The kinds of folder backproof fills as a whole. Each has a marker file
// listing the files backproof wrote there, so that it replaces the folder
// next time and refuses a folder holding anything else; folders written
// before there were markers are recognised by their files.
var (
	reportFolder = outfile.Kind{Marker: ".backproof-report", Unmarked: unmarkedReport} // report --out
	plotsFolder  = outfile.Kind{Marker: ".backproof-plots", Unmarked: unmarkedPlots}   // train --plots
)

// unmarkedReport tells whether a folder without a marker is a report an
// earlier backproof wrote: an index.html with the report's title, and
// nothing but the report's files.
func unmarkedReport(dir string, names []string) bool {
	known := map[string]bool{"index.html": true, "index.md": true}
	for _, f := range plots.ReportFigures {
		known[f.File] = true
	}
	for _, n := range names {
		if !known[n] {
			return false
		}
	}
	raw, err := os.ReadFile(filepath.Join(dir, "index.html"))
	return err == nil && bytes.Contains(raw, []byte("<title>backproof report"))
}

// unmarkedPlots tells whether a folder without a marker holds the figures
// of an earlier train --plots: all of them, and nothing else.
func unmarkedPlots(_ string, names []string) bool {
	have := map[string]bool{}
	for _, n := range names {
		have[n] = true
	}
	for _, f := range plots.HistoryFigures {
		if !have[f.File] {
			return false
		}
	}
	return len(names) == len(plots.HistoryFigures)
}

// files are a command's files by flag: those it reads and those it
// writes. Before any work, check refuses an output that is one of the
// inputs or another output: a learner's gradient or problem file must not
// become a PNG because two flags named the same file.
type files struct {
	in, out []namedPath
}

// namedPath is a path and the flag (or argument) that named it.
type namedPath struct {
	name, path string
	folder     bool // an output folder, replaced as a whole
}

func (f *files) input(name, path string) {
	if path != "" {
		f.in = append(f.in, namedPath{name: name, path: path})
	}
}

func (f *files) output(name, path string) {
	if path != "" {
		f.out = append(f.out, namedPath{name: name, path: path})
	}
}

func (f *files) outputFolder(name, path string) {
	if path != "" {
		f.out = append(f.out, namedPath{name: name, path: path, folder: true})
	}
}

// check refuses an output that is an input or another output, by file
// identity (a link, a second name, ./x and x are the same file) and, for
// files not there yet, by folder and name; and an output inside an input
// folder, or an input inside an output folder, which is replaced whole.
func (f *files) check() error {
	for i, o := range f.out {
		for _, in := range f.in {
			if sameFile(o.path, in.path) {
				return fmt.Errorf("%s %s is also the %s: it would be overwritten; write %s to another file",
					o.name, o.path, what(in), o.name)
			}
			if within(o.path, in.path) {
				return fmt.Errorf("%s %s is inside the %s: write %s elsewhere", o.name, o.path, what(in), o.name)
			}
			if o.folder && within(in.path, o.path) {
				return fmt.Errorf("the %s is inside the %s folder %s, which is replaced as a whole: write %s elsewhere",
					what(in), o.name, o.path, o.name)
			}
		}
		for _, p := range f.out[:i] {
			if sameFile(o.path, p.path) || within(o.path, p.path) || within(p.path, o.path) {
				return fmt.Errorf("%s %s and %s %s name the same file: give each its own", p.name, p.path, o.name, o.path)
			}
		}
	}
	return nil
}

// what names an input in a message: "--gradient file g.npz", "problem
// file p.json", "--mnist folder m".
func what(in namedPath) string {
	kind := "file"
	if info, err := os.Stat(in.path); err == nil && info.IsDir() {
		kind = "folder"
	}
	return in.name + " " + kind + " " + in.path
}

// sameFile tells whether a and b name the same file: the same file when
// both exist, else the same place once links and ".." are resolved.
func sameFile(a, b string) bool {
	ia, erra := os.Stat(a)
	ib, errb := os.Stat(b)
	if erra == nil && errb == nil {
		return os.SameFile(ia, ib)
	}
	return canonical(a) == canonical(b)
}

// canonical is path absolute, with its links resolved as far as it exists.
func canonical(path string) string {
	if p, err := filepath.EvalSymlinks(path); err == nil {
		path = p
	} else if d, err := filepath.EvalSymlinks(filepath.Dir(path)); err == nil {
		path = filepath.Join(d, filepath.Base(path))
	}
	if p, err := filepath.Abs(path); err == nil {
		return p
	}
	return path
}

// within tells whether path lies inside the existing folder dir, at any
// depth.
func within(path, dir string) bool {
	info, err := os.Stat(dir)
	if err != nil || !info.IsDir() {
		return false
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	for d := filepath.Dir(abs); ; d = filepath.Dir(d) {
		if i, err := os.Stat(d); err == nil && os.SameFile(i, info) {
			return true
		}
		if filepath.Dir(d) == d {
			return false
		}
	}
}

// reserve reserves path as an output file of tx before the work starts,
// so that a folder that is missing or read-only fails now; the error
// names the flag.
func reserve(tx *outfile.Tx, flag, path string) (*outfile.File, error) {
	if path == "" {
		return nil, nil
	}
	f, err := tx.File(path)
	if err != nil {
		return nil, badInput(fmt.Errorf("%s: %v", flag, err))
	}
	return f, nil
}

// reserveFolder reserves an output folder (report --out, train --plots)
// of the kind given; a folder holding files backproof did not write is
// refused unless force, saying so.
func reserveFolder(tx *outfile.Tx, flag, path string, kind outfile.Kind, force bool) (*outfile.Folder, error) {
	d, err := tx.Folder(path, kind, force)
	var no *outfile.NotOursError
	if errors.As(err, &no) {
		return nil, badInput(fmt.Errorf("%s %v: choose an empty or new folder, or add --force to write into it "+
			"(files of the same names are replaced, the others kept)", flag, err))
	}
	if err != nil {
		return nil, badInput(fmt.Errorf("%s %s: %v", flag, path, err))
	}
	return d, nil
}

// commit puts the outputs in place; a failure is exit status 2, as for
// output that cannot be written.
func commit(tx *outfile.Tx) error {
	if err := tx.Commit(); err != nil {
		return badInput(err)
	}
	return nil
}

// onSignal ends the process on SIGINT or SIGTERM as a shell expects (exit
// status 128 + the signal: 130, 143) after removing every output still
// staged, so that an interrupted command leaves the files as they were.
// It returns a function that stops listening.
func onSignal(stderr *os.File) (stop func()) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sigs:
			name := map[os.Signal]string{syscall.SIGINT: "SIGINT", syscall.SIGTERM: "SIGTERM"}[s]
			msg := "backproof: interrupted by %s\n"
			if outfile.AbortAll() > 0 {
				msg = "backproof: interrupted by %s: nothing was written, the files it would have replaced are as they were\n"
			}
			fmt.Fprintf(stderr, msg, name)
			code := 128 + 2
			if sig, ok := s.(syscall.Signal); ok {
				code = 128 + int(sig)
			}
			os.Exit(code)
		case <-done:
		}
	}()
	return func() { signal.Stop(sigs); close(done) }
}

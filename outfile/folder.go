package outfile

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// stagePrefix starts the names of the folders this package stages.
const stagePrefix = ".backproof-"

// A Folder is an output folder that a command fills as a whole (a report,
// a run's figures), marked as backproof's by a marker file that lists its
// files. The caller writes into Path; Commit puts the result in place:
//
//   - a missing folder: the staged one is renamed to it, so that it
//     appears complete or not at all;
//   - a folder the same kind of command wrote (its marker lists every file
//     in it): the staged folder, written beside it, is exchanged with it
//     (Linux renameat2 RENAME_EXCHANGE; elsewhere two renames) and the old
//     one removed, so that a reader sees the old report or the new one,
//     never figures of two runs;
//   - an empty folder, or with force one that holds other files, or one
//     that holds the working directory: the new files, staged inside it,
//     are renamed into it one by one, replacing files of the same names;
//     an earlier run's files that were not written again are removed, and
//     every other file is kept.
//
// Any other folder is refused (a *NotOursError) before any work.
type Folder struct {
	path   string // as the caller named it
	target string // path with links followed
	stage  string
	kind   Kind
	mode   int
	old    []string // the files of an earlier run, which a merge removes when not written again
	perm   fs.FileMode
}

const (
	modeCreate = iota
	modeExchange
	modeMerge
)

// NotOursError is the refusal of a folder that holds files backproof did
// not write there.
type NotOursError struct {
	Path    string
	Foreign []string // some of the files it holds that are not backproof's
}

func (e *NotOursError) Error() string {
	return fmt.Sprintf("%s holds files that backproof did not write (%s)", e.Path, strings.Join(e.Foreign, ", "))
}

// A Kind is a kind of output folder: the marker file that lists the files
// backproof wrote in it, and how to recognise one written before there
// were markers.
type Kind struct {
	Marker string
	// Unmarked, if not nil, tells whether the folder dir, which has no
	// marker, was written by backproof all the same; names are its files.
	Unmarked func(dir string, names []string) bool
}

// Folder reserves the folder path as an output of the kind k. It creates
// the missing folders above path and the staging folder now, so that a
// place that cannot be written fails before any work.
func (tx *Tx) Folder(path string, k Kind, force bool) (*Folder, error) {
	if path == "" {
		return nil, errors.New("no folder named")
	}
	// "report/" is the folder report: its stage goes beside it, not in it.
	target := path
	for len(target) > 1 && os.IsPathSeparator(target[len(target)-1]) {
		target = target[:len(target)-1]
	}
	d := &Folder{path: path, target: target, kind: k, perm: 0o755}
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		d.mode = modeCreate
		if err := tx.mkdirParents(filepath.Dir(target)); err != nil {
			return nil, err
		}
		if !modeWritable(filepath.Dir(target)) {
			return nil, fmt.Errorf("cannot create it: the folder %s is read-only", filepath.Dir(target))
		}
	case err != nil: // a file where a folder above path should be
		return nil, fmt.Errorf("cannot create the folder: %v", pathErr(err))
	case !info.IsDir():
		return nil, fmt.Errorf("%s is a file, not a folder", path)
	default:
		if d.target, err = filepath.EvalSymlinks(target); err != nil {
			return nil, err
		}
		d.perm = info.Mode().Perm()
		if d.perm&0o200 == 0 {
			return nil, fmt.Errorf("the folder is read-only: make it writable (chmod u+w) or write elsewhere")
		}
		if err := writable(d.target); err != nil {
			return nil, err
		}
		ours, foreign, empty, err := inspect(d.target, k)
		d.old = ours
		switch {
		case err != nil:
			return nil, err
		case empty:
			d.mode = modeMerge
		case len(foreign) == 0 && !holdsWorkingDir(d.target) && modeWritable(filepath.Dir(d.target)):
			d.mode = modeExchange
		case len(foreign) == 0:
			// Exchanged, the folder would leave the working directory
			// (a shell's, after `cd report`) inside the removed one; or
			// the folder above it is read-only, so there is no room
			// beside it.
			d.mode = modeMerge
		case force:
			d.mode = modeMerge
		default:
			return nil, &NotOursError{Path: path, Foreign: foreign}
		}
	}
	dir, base := filepath.Split(d.target)
	prefix := stagePrefix + base + "-new-"
	if d.mode == modeMerge {
		dir, prefix = d.target, stagePrefix+"new-"
	}
	if dir == "" {
		dir = "."
	}
	if d.stage, err = mkdirFresh(dir, prefix); err != nil {
		return nil, writeErr(filepath.Join(dir, base), err)
	}
	mu.Lock()
	tx.folders = append(tx.folders, d)
	mu.Unlock()
	return d, nil
}

// Path is the folder to write the files into: a staging folder, which
// becomes (or fills) the target at Commit.
func (d *Folder) Path() string { return d.stage }

// mkdirParents creates dir and the folders above it that are missing,
// recording them so that Abort removes them again.
func (tx *Tx) mkdirParents(dir string) error {
	var missing []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	for i := len(missing) - 1; i >= 0; i-- {
		if err := os.Mkdir(missing[i], 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("cannot create the folder %s: %v", missing[i], pathErr(err))
		}
		mu.Lock()
		tx.made = append(tx.made, missing[i])
		mu.Unlock()
	}
	return nil
}

// writable checks that a file can be created in the folder dir: a
// read-only folder is the user's statement that it must not change, even
// where a rename beside it would be allowed.
func writable(dir string) error {
	probe, err := create(dir, stagePrefix+"probe-", 0o600)
	if err != nil {
		return writeErr(filepath.Join(dir, "x"), err)
	}
	return os.Remove(probe)
}

// inspect sorts the entries of dir: backproof's (listed in its marker
// file, or all of them when the kind recognises an unmarked folder) and
// the others, of which it names three at most; the marker and stages left
// by a killed run are neither.
func inspect(dir string, k Kind) (ours, foreign []string, empty bool, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, false, err
	}
	listed := readMarker(filepath.Join(dir, k.Marker))
	if listed == nil && k.Unmarked != nil {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if k.Unmarked(dir, names) {
			return names, nil, len(entries) == 0, nil
		}
	}
	for _, e := range entries {
		n := e.Name()
		switch {
		case n == k.Marker || isStage(n):
		case listed[n]:
			ours = append(ours, n)
		case len(foreign) < 3:
			foreign = append(foreign, n)
		default:
			foreign[2] = "…"
		}
	}
	return ours, foreign, len(entries) == 0, nil
}

// readMarker returns the file names a marker lists, or none when there is
// no marker.
func readMarker(path string) map[string]bool {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	names := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line != "" && !strings.HasPrefix(line, "#") && !strings.ContainsRune(line, '/') {
			names[line] = true
		}
	}
	return names
}

// writeMarker lists the files of the staged folder in its marker.
func (d *Folder) writeMarker() error {
	entries, err := os.ReadDir(d.stage)
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("# backproof wrote this folder and these files. It replaces the folder as a\n" +
		"# whole when asked to write here again, and refuses while the folder holds\n" +
		"# files not listed here.\n")
	var names []string
	for _, e := range entries {
		if e.Name() != d.kind.Marker {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	for _, n := range names {
		b.WriteString(n + "\n")
	}
	// A plain write is safe here: the stage is a folder of our own, not yet
	// in place, and it is swapped in whole (commit) or removed.
	return os.WriteFile(filepath.Join(d.stage, d.kind.Marker), []byte(b.String()), 0o644)
}

func (d *Folder) commit() error {
	if err := d.writeMarker(); err != nil {
		return err
	}
	if err := os.Chmod(d.stage, d.perm); err != nil {
		return err
	}
	switch d.mode {
	case modeCreate:
		if err := os.Rename(d.stage, d.target); err != nil {
			return fmt.Errorf("cannot create %s: %v", d.path, pathErr(err))
		}
		d.stage = ""
	case modeExchange:
		if err := swap(d.stage, d.target); err != nil {
			return fmt.Errorf("cannot replace %s: %v", d.path, pathErr(err))
		}
		os.RemoveAll(d.stage) // now the old folder
		d.stage = ""
	case modeMerge:
		entries, err := os.ReadDir(d.stage)
		if err != nil {
			return err
		}
		written := map[string]bool{}
		for _, e := range entries {
			if err := os.Rename(filepath.Join(d.stage, e.Name()), filepath.Join(d.target, e.Name())); err != nil {
				return fmt.Errorf("cannot write %s: %v", filepath.Join(d.path, e.Name()), pathErr(err))
			}
			written[e.Name()] = true
		}
		for _, n := range d.old {
			if !written[n] {
				os.Remove(filepath.Join(d.target, n)) // an earlier run's, as an exchange would drop it
			}
		}
		os.Remove(d.stage)
		d.stage = ""
	}
	return nil
}

// renameDance replaces the folder target by stage with two renames, where
// the system cannot exchange them: target is missing for a moment in
// between, and on failure the old folder is put back. Afterwards stage
// holds the old folder.
func renameDance(stage, target string) error {
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	old, err := mkdirFresh(dir, stagePrefix+base+"-old-")
	if err != nil {
		return err
	}
	os.Remove(old)
	if err := os.Rename(target, old); err != nil {
		return err
	}
	if err := os.Rename(stage, target); err != nil {
		os.Rename(old, target)
		return err
	}
	return os.Rename(old, stage)
}

// holdsWorkingDir tells whether the working directory is dir or inside it.
func holdsWorkingDir(dir string) bool {
	wd, err := os.Getwd()
	if err != nil {
		return true // unknown: the careful answer
	}
	info, err := os.Stat(dir)
	if err != nil {
		return true
	}
	for d := wd; ; d = filepath.Dir(d) {
		if i, err := os.Stat(d); err == nil && os.SameFile(i, info) {
			return true
		}
		if filepath.Dir(d) == d {
			return false
		}
	}
}

// modeWritable tells whether dir may be written: it exists, its owner may
// write it, and a file can be made in it (root passes the last test
// always, hence the first).
func modeWritable(dir string) bool {
	info, err := os.Stat(dir)
	return err == nil && info.Mode().Perm()&0o200 != 0 && writable(dir) == nil
}

// Package outfile writes a command's outputs so that a reader sees each old
// file or the complete new one, never a part, and so that a command that
// fails or is interrupted leaves every output as it was.
package outfile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// WriteFile writes data to path as os.WriteFile does, but never leaves a
// part: the bytes go to a temporary file in the same folder, which is then
// renamed over path. A reader, or a write that fails (a full disk, a file
// size limit), sees the old file or the new one. An existing file keeps its
// permissions; a new one gets 0644 less the umask. A symbolic link is
// followed, and a device or pipe (/dev/stdout) is written in place.
func WriteFile(path string, data []byte) error {
	tx := Begin()
	defer tx.Abort()
	f, err := tx.File(path)
	if err != nil {
		return err
	}
	if err := f.Write(data); err != nil {
		return err
	}
	return tx.Commit()
}

// Tx is the outputs of one command. Each is reserved before the work starts
// (File, Folder), which checks that it can be written; its content is
// staged beside its target; Commit moves everything into place, and Abort,
// or an interrupt (AbortAll), removes what was staged and every folder that
// was created for it, so that the targets are as they were.
type Tx struct {
	files   []*File
	folders []*Folder
	made    []string // folders created to hold outputs, outermost first
	done    bool     // committed or aborted
}

var (
	// mu is held while a transaction commits or aborts: an interrupt waits
	// for a commit in progress (renames take microseconds) rather than
	// leave half of the outputs moved.
	mu          sync.Mutex
	open        = map[*Tx]bool{}
	interrupted bool // after AbortAll: nothing more is committed
)

// ErrInterrupted is returned by Commit after AbortAll.
var ErrInterrupted = errors.New("interrupted: nothing was written")

// Begin starts a transaction.
func Begin() *Tx {
	tx := &Tx{}
	mu.Lock()
	open[tx] = true
	mu.Unlock()
	return tx
}

// AbortAll aborts every transaction still open and makes later commits
// fail, for a signal handler that is about to end the process. It returns
// how many outputs it left unwritten.
func AbortAll() int {
	mu.Lock()
	defer mu.Unlock()
	interrupted = true
	n := 0
	for tx := range open {
		n += len(tx.files) + len(tx.folders)
		tx.abortLocked()
	}
	return n
}

// Abort removes everything tx staged and the folders it created. It does
// nothing after Commit, so that it can be deferred.
func (tx *Tx) Abort() {
	mu.Lock()
	defer mu.Unlock()
	tx.abortLocked()
}

func (tx *Tx) abortLocked() {
	if tx.done {
		return
	}
	tx.done = true
	delete(open, tx)
	for _, f := range tx.files {
		if f.temp != "" {
			os.Remove(f.temp)
		}
	}
	for _, d := range tx.folders {
		// A writer may still be adding files to the stage (an interrupt
		// does not stop it), which can make one RemoveAll miss them.
		for range 10 {
			if d.stage == "" || os.RemoveAll(d.stage) == nil {
				break
			}
		}
	}
	for i := len(tx.made) - 1; i >= 0; i-- {
		os.Remove(tx.made[i]) // only if empty: it may have gained the user's files meanwhile
	}
}

// Commit moves every output that was written into place: files by rename,
// folders by rename or exchange (Folder). Outputs reserved but never
// written are left as they were. After an error the outputs not yet moved
// are removed; those moved stay.
func (tx *Tx) Commit() error {
	mu.Lock()
	defer mu.Unlock()
	if interrupted {
		tx.abortLocked()
		return ErrInterrupted
	}
	if tx.done {
		return errors.New("outfile: commit after abort") // a bug in the caller
	}
	var err error
	for _, f := range tx.files {
		if err == nil && f.written {
			err = f.commit()
		}
	}
	for _, d := range tx.folders {
		if err == nil {
			err = d.commit()
		}
	}
	if err != nil {
		tx.abortLocked()
		return err
	}
	tx.done = true
	delete(open, tx)
	for _, f := range tx.files {
		if f.temp != "" {
			os.Remove(f.temp) // the unwritten ones
		}
	}
	return nil
}

// File is one output file of a transaction.
type File struct {
	path    string // as the caller named it, for messages
	target  string // where the content goes: path, or what its link points to
	temp    string // the staged content beside target; "" once renamed, or for a special file
	special bool   // a device or pipe: written in place at Commit
	data    []byte // a special file's content
	written bool
}

// File reserves path as an output: it creates the temporary file beside it
// now, so that a folder that is missing or not writable fails before any
// work, and refuses a path that is a folder.
func (tx *Tx) File(path string) (*File, error) {
	f := &File{path: path, target: path}
	info, err := os.Lstat(path)
	if err == nil && info.Mode()&fs.ModeSymlink != 0 {
		// The link stays and what it points to gets the content.
		if f.target, err = filepath.EvalSymlinks(path); err != nil {
			return nil, fmt.Errorf("%s is a symbolic link to a file that cannot be reached: %v", path, pathErr(err))
		}
		info, err = os.Stat(f.target)
	}
	switch {
	case err == nil && info.IsDir():
		return nil, fmt.Errorf("%s is a folder, not a file", path)
	case err == nil && !info.Mode().IsRegular():
		f.special = true // nothing to keep: a device or pipe has no old content
		tx.add(f)
		return f, nil
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, err
	case err == nil && info.Mode().Perm()&0o200 == 0:
		// The rename would be allowed (it needs the folder's permission
		// only), but a read-only file says it must not change.
		return nil, fmt.Errorf("%s is read-only: make it writable (chmod u+w) or write elsewhere", path)
	}
	if dir, err := os.Stat(parent(f.target)); err == nil && dir.Mode().Perm()&0o200 == 0 {
		// Checked here for root, whom the system would let write.
		return nil, fmt.Errorf("cannot write %s: the folder %s is read-only", path, parent(f.target))
	}
	temp, err := create(parent(f.target), "."+filepath.Base(f.target)+".", 0o644)
	if err != nil {
		return nil, writeErr(f.target, err)
	}
	if info != nil {
		// An existing file keeps its permissions.
		os.Chmod(temp, info.Mode().Perm())
	}
	f.temp = temp
	tx.add(f)
	return f, nil
}

func (tx *Tx) add(f *File) {
	mu.Lock()
	defer mu.Unlock()
	tx.files = append(tx.files, f)
}

// Write stages data as the file's whole content (a second Write replaces
// the first). The target is untouched until Commit.
func (f *File) Write(data []byte) error {
	if f.special {
		f.data, f.written = data, true
		return nil
	}
	if f.temp == "" {
		return fmt.Errorf("%s: written after its transaction ended", f.path)
	}
	if err := writeSynced(f.temp, data); err != nil {
		return writeErr(f.path, err)
	}
	f.written = true
	return nil
}

func (f *File) commit() error {
	if f.special {
		w, err := os.OpenFile(f.target, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		_, err = w.Write(f.data)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		return err
	}
	if err := os.Rename(f.temp, f.target); err != nil {
		return writeErr(f.path, err)
	}
	f.temp = ""
	return nil
}

// writeSynced writes data to the existing file path and flushes it to the
// disk, so that the rename that follows never exposes an empty file after
// a crash.
func writeSynced(path string, data []byte) error {
	w, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	if err == nil {
		err = w.Sync()
	}
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return err
}

// create makes a new file with a random name starting with prefix in dir,
// with perm less the umask (os.CreateTemp would give 0600).
func create(dir, prefix string, perm fs.FileMode) (string, error) {
	for range 100 {
		name := filepath.Join(dir, prefix+random()+".tmp")
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		return name, f.Close()
	}
	return "", fmt.Errorf("cannot find a free temporary name in %s", dir)
}

// mkdirFresh makes a new folder with a random name starting with prefix in
// dir, with 0755 less the umask.
func mkdirFresh(dir, prefix string) (string, error) {
	for range 100 {
		name := filepath.Join(dir, prefix+random())
		err := os.Mkdir(name, 0o755)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return name, err
	}
	return "", fmt.Errorf("cannot find a free temporary name in %s", dir)
}

func random() string {
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// writeErr says why path cannot be written, naming the folder when it is
// the folder that is missing.
func writeErr(path string, err error) error {
	dir := parent(path)
	if errors.Is(err, fs.ErrNotExist) {
		if _, serr := os.Stat(dir); serr != nil {
			return fmt.Errorf("cannot write %s: the folder %s does not exist", path, dir)
		}
	}
	if errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("cannot write %s: no permission to write in the folder %s", path, dir)
	}
	return fmt.Errorf("cannot write %s: %v", path, pathErr(err))
}

// pathErr is the reason inside a file-system error, whose path the
// message names already.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// isStage tells whether name is a folder or file this package stages, so
// that one left by a killed process (SIGKILL cannot be caught) is not
// mistaken for the user's.
func isStage(name string) bool {
	rest, ok := strings.CutPrefix(name, stagePrefix)
	return ok && (strings.HasPrefix(rest, "new-") || strings.HasPrefix(rest, "probe-") ||
		strings.Contains(rest, "-new-") || strings.Contains(rest, "-old-"))
}

// parent is the folder that holds path as the system resolves it:
// path without its last element, not cleaned, since "a/b/../c" is in the
// folder a/b/.. only when a/b exists (filepath.Dir would say a).
func parent(path string) string {
	i := len(path) - 1
	for i > 0 && os.IsPathSeparator(path[i]) {
		i--
	}
	for i >= 0 && !os.IsPathSeparator(path[i]) {
		i--
	}
	switch {
	case i < 0:
		return "."
	case i == 0:
		return path[:1]
	}
	return path[:i]
}

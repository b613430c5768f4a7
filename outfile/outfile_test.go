package outfile

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// listing is every path under dir with its content ("/" for a folder), to
// compare a folder before and after.
func listing(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			m[rel] = "/"
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			target, _ := os.Readlink(p)
			m[rel] = "-> " + target
			return nil
		}
		raw, err := os.ReadFile(p)
		require.NoError(t, err)
		m[rel] = string(raw)
		return nil
	}))
	return m
}

// marker is the head of every marker file.
const marker = "# backproof wrote this folder and these files. It replaces the folder as a\n" +
	"# whole when asked to write here again, and refuses while the folder holds\n" +
	"# files not listed here.\n"

func write(t *testing.T, path, content string, perm fs.FileMode) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(content), perm))
	require.NoError(t, os.Chmod(path, perm))
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	// A new file: 0644 less the umask (022 in the tests' environment
	// would give 0644; compare with what os.WriteFile makes).
	require.NoError(t, WriteFile(filepath.Join(dir, "new.txt"), []byte("new")))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ref.txt"), nil, 0o644))
	ref, _ := os.Stat(filepath.Join(dir, "ref.txt"))
	info, err := os.Stat(filepath.Join(dir, "new.txt"))
	require.NoError(t, err)
	assert.Equal(t, ref.Mode(), info.Mode(), "the mode os.WriteFile gives a new file")

	// An existing file keeps its mode.
	write(t, filepath.Join(dir, "old.txt"), "old", 0o600)
	require.NoError(t, WriteFile(filepath.Join(dir, "old.txt"), []byte("replaced")))
	info, _ = os.Stat(filepath.Join(dir, "old.txt"))
	assert.Equal(t, fs.FileMode(0o600), info.Mode().Perm())

	// A link stays a link; the file it points to gets the content.
	require.NoError(t, os.Symlink("old.txt", filepath.Join(dir, "link.txt")))
	require.NoError(t, WriteFile(filepath.Join(dir, "link.txt"), []byte("through the link")))

	// /dev/null is written in place, not replaced.
	require.NoError(t, WriteFile(os.DevNull, []byte("discarded")))
	info, err = os.Stat(os.DevNull)
	require.NoError(t, err)
	assert.False(t, info.Mode().IsRegular(), "/dev/null is still a device")

	os.Remove(filepath.Join(dir, "ref.txt"))
	assert.Equal(t, map[string]string{".": "/", "new.txt": "new", "old.txt": "through the link",
		"link.txt": "-> old.txt"}, listing(t, dir), "no temporary file left")
}

func TestWriteFileRefusals(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "sub", "keep.txt"), "keep", 0o644)
	before := listing(t, dir)
	before["ro.json"], before["ro"] = "read-only", "/"
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(dir, "missing", "x.png"), "the folder " + filepath.Join(dir, "missing") + " does not exist"},
		{filepath.Join(dir, "sub"), filepath.Join(dir, "sub") + " is a folder, not a file"},
		{filepath.Join(dir, "sub", "keep.txt", "x"), "not a directory"},
	} {
		err := WriteFile(tc.path, []byte("x"))
		require.Error(t, err, tc.path)
		assert.Contains(t, err.Error(), tc.want)
	}
	// Read-only, even for root, to whom the permission does not apply.
	write(t, filepath.Join(dir, "ro.json"), "read-only", 0o444)
	err := WriteFile(filepath.Join(dir, "ro.json"), []byte("x"))
	assert.ErrorContains(t, err, filepath.Join(dir, "ro.json")+" is read-only")
	require.NoError(t, os.Mkdir(filepath.Join(dir, "ro"), 0o555))
	tx := Begin()
	_, err = tx.Folder(filepath.Join(dir, "ro"), Kind{Marker: ".m"}, false)
	assert.ErrorContains(t, err, "the folder is read-only")
	tx.Abort()
	require.NoError(t, os.Symlink("nowhere", filepath.Join(dir, "dangling")))
	err = WriteFile(filepath.Join(dir, "dangling"), []byte("x"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "symbolic link to a file that cannot be reached")
	os.Remove(filepath.Join(dir, "dangling"))
	assert.Equal(t, before, listing(t, dir), "a refusal creates nothing")
}

// Abort, or a Commit never reached, leaves every target as it was: the
// old content, no new file, no temporary file, no created folder.
func TestAbortLeavesEverything(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "old.json"), "the learner's file", 0o644)
	write(t, filepath.Join(dir, "report", ".backproof-report"), "index.html\n", 0o644)
	write(t, filepath.Join(dir, "report", "index.html"), "old report", 0o644)
	before := listing(t, dir)

	tx := Begin()
	f, err := tx.File(filepath.Join(dir, "old.json"))
	require.NoError(t, err)
	require.NoError(t, f.Write([]byte("a problem")))
	g, err := tx.File(filepath.Join(dir, "new.png"))
	require.NoError(t, err)
	require.NoError(t, g.Write([]byte("png")))
	d, err := tx.Folder(filepath.Join(dir, "report"), Kind{Marker: ".backproof-report"}, false)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(d.Path(), "index.html"), []byte("new report"), 0o644))
	e, err := tx.Folder(filepath.Join(dir, "a", "b", "plots"), Kind{Marker: ".backproof-plots"}, false)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(e.Path(), "cost.png"), []byte("png"), 0o644))
	tx.Abort()
	assert.Equal(t, before, listing(t, dir))
	assert.ErrorContains(t, tx.Commit(), "commit after abort")
}

func TestCommit(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "old.json"), "the learner's file", 0o644)
	write(t, filepath.Join(dir, "report", ".backproof-report"), "# comment\nindex.html\nstale.png\n", 0o644)
	write(t, filepath.Join(dir, "report", "index.html"), "old report", 0o644)
	write(t, filepath.Join(dir, "report", "stale.png"), "a figure the new report does not draw", 0o644)
	write(t, filepath.Join(dir, "notes.txt"), "the user's", 0o644)

	tx := Begin()
	defer tx.Abort()
	f, err := tx.File(filepath.Join(dir, "old.json"))
	require.NoError(t, err)
	require.NoError(t, f.Write([]byte("a problem")))
	unwritten, err := tx.File(filepath.Join(dir, "unwritten.png"))
	require.NoError(t, err)
	_ = unwritten
	d, err := tx.Folder(filepath.Join(dir, "report"), Kind{Marker: ".backproof-report"}, false)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(d.Path(), "index.html"), []byte("new report"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(d.Path(), "fig.png"), []byte("new figure"), 0o644))
	e, err := tx.Folder(filepath.Join(dir, "a", "b", "plots"), Kind{Marker: ".backproof-plots"}, false)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(e.Path(), "cost.png"), []byte("png"), 0o644))
	require.NoError(t, tx.Commit())

	assert.Equal(t, map[string]string{
		".": "/", "old.json": "a problem", "notes.txt": "the user's",
		"report": "/", "report/index.html": "new report", "report/fig.png": "new figure",
		"report/.backproof-report": marker + "fig.png\nindex.html\n",
		"a":                        "/", "a/b": "/", "a/b/plots": "/", "a/b/plots/cost.png": "png",
		"a/b/plots/.backproof-plots": marker + "cost.png\n",
	}, listing(t, dir), "the old report replaced as a whole, no stage or temporary file left")
}

func TestFolderRules(t *testing.T) {
	dir := t.TempDir()
	// A folder with the user's files: refused, naming some.
	write(t, filepath.Join(dir, "site", "index.html"), "the user's site", 0o644)
	write(t, filepath.Join(dir, "site", "about.html"), "the user's page", 0o644)
	// A report whose marker does not list every file: the user added one.
	write(t, filepath.Join(dir, "report", ".backproof-report"), "index.html\n", 0o644)
	write(t, filepath.Join(dir, "report", "index.html"), "old report", 0o644)
	write(t, filepath.Join(dir, "report", "my-notes.txt"), "the user's", 0o644)
	// Another kind's folder: a report is not train's figures.
	write(t, filepath.Join(dir, "plots", ".backproof-plots"), "cost.png\n", 0o644)
	write(t, filepath.Join(dir, "plots", "cost.png"), "png", 0o644)
	write(t, filepath.Join(dir, "file"), "a file", 0o644)
	before := listing(t, dir)

	for _, tc := range []struct{ path, want string }{
		{"site", "site holds files that backproof did not write (about.html, index.html)"},
		{"report", "report holds files that backproof did not write (my-notes.txt)"},
		{"plots", "plots holds files that backproof did not write (.backproof-plots, cost.png)"},
		{"file", "file is a file, not a folder"},
		{"file/sub", "not a directory"},
	} {
		tx := Begin()
		_, err := tx.Folder(filepath.Join(dir, tc.path), Kind{Marker: ".backproof-report"}, false)
		require.Error(t, err, tc.path)
		assert.Contains(t, err.Error(), tc.want)
		tx.Abort()
	}
	assert.Equal(t, before, listing(t, dir), "refusals touch nothing")

	// With force the report's files go in, the user's others stay; a file
	// of an earlier forced run, listed in its marker, goes.
	write(t, filepath.Join(dir, "site", ".backproof-report"), "index.html\nold.png\n", 0o644)
	write(t, filepath.Join(dir, "site", "old.png"), "an earlier report's", 0o644)
	tx := Begin()
	d, err := tx.Folder(filepath.Join(dir, "site"), Kind{Marker: ".backproof-report"}, true)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(d.Path(), "index.html"), []byte("report"), 0o644))
	require.NoError(t, tx.Commit())
	got := listing(t, filepath.Join(dir, "site"))
	assert.Equal(t, "report", got["index.html"])
	assert.Equal(t, "the user's page", got["about.html"])
	assert.Len(t, got, 4, "., index.html, about.html, the marker: %v", got)
}

// After AbortAll (a signal) nothing is committed, and what was staged is
// gone.
func TestAbortAll(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "old.json"), "old", 0o644)
	before := listing(t, dir)
	tx := Begin()
	f, err := tx.File(filepath.Join(dir, "old.json"))
	require.NoError(t, err)
	require.NoError(t, f.Write([]byte("new")))
	empty := Begin() // no outputs: not counted
	defer empty.Abort()
	assert.Equal(t, 1, AbortAll(), "one output left unwritten")
	t.Cleanup(func() { mu.Lock(); interrupted = false; mu.Unlock() })
	assert.ErrorIs(t, tx.Commit(), ErrInterrupted)
	assert.Equal(t, before, listing(t, dir))
}

// The two renames that stand in for an exchange where the system has none.
func TestRenameDance(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "old", "a"), "old", 0o644)
	write(t, filepath.Join(dir, "new", "b"), "new", 0o644)
	require.NoError(t, renameDance(filepath.Join(dir, "new"), filepath.Join(dir, "old")))
	assert.Equal(t, map[string]string{".": "/", "old": "/", "old/b": "new", "new": "/", "new/a": "old"}, listing(t, dir))
	// The stage missing: the old folder is put back.
	require.Error(t, renameDance(filepath.Join(dir, "missing"), filepath.Join(dir, "old")))
	names, _ := os.ReadDir(dir)
	var got []string
	for _, n := range names {
		got = append(got, n.Name())
	}
	assert.True(t, slices.Equal([]string{"new", "old"}, got), "%v", got)
}

func TestParent(t *testing.T) {
	for path, want := range map[string]string{
		"x": ".", "/x": "/", "a/b": "a", "a/b/": "a", "a/./b/../c": "a/./b/..", "/a/b//c": "/a/b/",
	} {
		assert.Equal(t, want, parent(filepath.FromSlash(path)), path)
	}
}

// A folder without a marker that Unmarked recognises is replaced like a
// marked one; one it does not is refused.
func TestUnmarked(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "old", "index.html"), "an old report", 0o644)
	write(t, filepath.Join(dir, "other", "index.html"), "the user's", 0o644)
	k := Kind{Marker: ".m", Unmarked: func(dir string, names []string) bool {
		raw, _ := os.ReadFile(filepath.Join(dir, "index.html"))
		return slices.Equal(names, []string{"index.html"}) && string(raw) == "an old report"
	}}
	tx := Begin()
	defer tx.Abort()
	_, err := tx.Folder(filepath.Join(dir, "other"), k, false)
	assert.ErrorContains(t, err, "holds files that backproof did not write (index.html)")
	d, err := tx.Folder(filepath.Join(dir, "old"), k, false)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(d.Path(), "new.html"), []byte("new"), 0o644))
	require.NoError(t, tx.Commit())
	assert.Equal(t, map[string]string{".": "/", "new.html": "new", ".m": marker + "new.html\n"}, listing(t, filepath.Join(dir, "old")))
}

// A folder that holds the working directory is filled file by file, not
// exchanged: exchanged, it would leave the process (and a shell that ran
// `cd report`) in the removed old folder.
func TestWorkingDirStays(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "report", ".m"), "index.html\nold.png\n", 0o644)
	write(t, filepath.Join(dir, "report", "index.html"), "old", 0o644)
	write(t, filepath.Join(dir, "report", "old.png"), "old", 0o644)
	before, err := os.Stat(filepath.Join(dir, "report"))
	require.NoError(t, err)
	t.Chdir(filepath.Join(dir, "report"))
	tx := Begin()
	defer tx.Abort()
	d, err := tx.Folder(".", Kind{Marker: ".m"}, false)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(d.Path(), "index.html"), []byte("new"), 0o644))
	require.NoError(t, tx.Commit())
	after, err := os.Stat(filepath.Join(dir, "report"))
	require.NoError(t, err)
	assert.True(t, os.SameFile(before, after), "the same folder")
	got := listing(t, filepath.Join(dir, "report"))
	assert.Equal(t, "new", got["index.html"])
	assert.NotContains(t, got, "old.png", "the earlier run's figure removed, as an exchange would")
	assert.Len(t, got, 3, "., index.html and the marker: %v", got)
}

// A folder named with a trailing slash is the folder itself.
func TestTrailingSlash(t *testing.T) {
	dir := t.TempDir()
	for range 2 { // created, then exchanged
		tx := Begin()
		d, err := tx.Folder(filepath.Join(dir, "report")+string(filepath.Separator), Kind{Marker: ".m"}, false)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(d.Path(), "index.html"), []byte("new"), 0o644))
		require.NoError(t, tx.Commit())
		assert.Equal(t, map[string]string{".": "/", "report": "/", "report/index.html": "new", "report/.m": marker + "index.html\n"}, listing(t, dir))
	}
	tx := Begin()
	defer tx.Abort()
	_, err := tx.Folder("", Kind{Marker: ".m"}, false)
	assert.ErrorContains(t, err, "no folder named")
}

// Under a read-only folder a report cannot be created, and one that is
// there (and writable itself) is filled in place, as there is no room to
// stage its replacement beside it.
func TestReadOnlyParent(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "ro", "report", ".m"), "old.png\n", 0o644)
	write(t, filepath.Join(dir, "ro", "report", "old.png"), "old", 0o644)
	require.NoError(t, os.Chmod(filepath.Join(dir, "ro"), 0o555))
	t.Cleanup(func() { os.Chmod(filepath.Join(dir, "ro"), 0o755) })
	tx := Begin()
	defer tx.Abort()
	_, err := tx.Folder(filepath.Join(dir, "ro", "new"), Kind{Marker: ".m"}, false)
	assert.ErrorContains(t, err, "the folder "+filepath.Join(dir, "ro")+" is read-only")
	d, err := tx.Folder(filepath.Join(dir, "ro", "report"), Kind{Marker: ".m"}, false)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(d.Path(), "new.png"), []byte("new"), 0o644))
	require.NoError(t, tx.Commit())
	assert.Equal(t, map[string]string{".": "/", "ro": "/", "ro/report": "/", "ro/report/new.png": "new",
		"ro/report/.m": marker + "new.png\n"}, listing(t, dir))
}

package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/backproof/backproof/web"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWebWrites: web --out writes every file of the site, says how large
// it is, and writes it again over its own folder.
func TestWebWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the checker to WebAssembly")
	}
	out := filepath.Join(t.TempDir(), "site")
	for range 2 {
		code, stdout, stderr := run(t, "web", "--out", out)
		require.Equal(t, 0, code, stderr)
		assert.Contains(t, stdout, "wrote "+filepath.Join(out, "index.html")+" and its 5 other files")
		assert.Contains(t, stdout, "gzip-compressed")
		for _, f := range web.Files {
			info, err := os.Stat(filepath.Join(out, f))
			require.NoError(t, err)
			assert.Greater(t, info.Size(), int64(0), f)
		}
	}
}

// TestWebRefuses: without --out or --serve, or into a folder that holds
// files backproof did not write, web refuses before compiling anything.
func TestWebRefuses(t *testing.T) {
	code, _, stderr := run(t, "web")
	assert.Equal(t, ExitBadInput, code)
	assert.Contains(t, stderr, "give --out DIR to write the site, --serve ADDR to serve it, or both")

	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644))
	code, _, stderr = run(t, "web", "--out", dir)
	assert.Equal(t, ExitBadInput, code)
	assert.Contains(t, stderr, "holds files that backproof did not write (notes.txt)")
	data, err := os.ReadFile(filepath.Join(dir, "notes.txt"))
	require.NoError(t, err)
	assert.Equal(t, "mine", string(data))
	_, err = os.Stat(filepath.Join(dir, "index.html"))
	assert.ErrorIs(t, err, os.ErrNotExist)

	code, _, stderr = run(t, "web", "--serve", "localhost:-1")
	assert.Equal(t, ExitBadInput, code)
	assert.Contains(t, stderr, "--serve localhost:-1")
}

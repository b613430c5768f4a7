package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// --version names the program and the Go that built it.
func TestVersion(t *testing.T) {
	code, out, errb := mainOut("--version")
	require.Equal(t, 0, code, errb)
	assert.True(t, strings.HasPrefix(out, "backproof "), out)
	assert.Contains(t, out, runtime.Version())
}

// check --save says what it wrote, last; beside --json on stderr, so that
// stdout stays one JSON object.
func TestCheckSaveSaysWrote(t *testing.T) {
	p := filepath.Join(t.TempDir(), "problem.json")
	code, out, errb := mainOut("check", "--net", "4,3,2", "--batch", "5", "--seed", "3", "--save", p)
	require.Equal(t, 0, code, errb)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	assert.Equal(t, "wrote "+p+": the problem, to edit and check again (backproof check "+p+")", lines[len(lines)-1])
	assert.FileExists(t, p)

	require.NoError(t, os.Remove(p))
	code, out, errb = mainOut("check", "--net", "4,3,2", "--save", p, "--json")
	require.Equal(t, 0, code, errb)
	var v map[string]any
	assert.NoError(t, json.Unmarshal([]byte(out), &v), "stdout is the JSON object alone")
	assert.Contains(t, errb, "wrote "+p)
}

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// refused asserts the shape of every refusal: exit status 2, nothing on
// stdout, one line on stderr starting "backproof: " with each of wants
// in it, and no trace of a crash.
func refused(t *testing.T, args []string, wants ...string) {
	t.Helper()
	code, out, errb := mainOut(args...)
	assert.Equal(t, ExitBadInput, code, "%v: %s", args, errb)
	assert.Empty(t, out, args)
	assert.Equal(t, 1, strings.Count(errb, "\n"), "%v: one line: %q", args, errb)
	assert.True(t, strings.HasPrefix(errb, "backproof: "), errb)
	for _, w := range wants {
		assert.Contains(t, errb, w, args)
	}
	for _, trace := range []string{"goroutine ", "panic", ".go:", "internal error"} {
		assert.NotContains(t, errb, trace, args)
	}
}

// Every flag of every command refuses an empty value (--gradient= from an
// unset shell variable), naming the flag: a string flag would otherwise
// take "" as not given and do something else without a word.
func TestEmptyFlagValues(t *testing.T) {
	root := newRoot()
	seen := 0
	for _, cmd := range root.Commands() {
		cmd.Flags().VisitAll(func(f *pflag.Flag) {
			if f.Name == "help" {
				return
			}
			seen++
			args := []string{cmd.Name(), "--" + f.Name + "="}
			if cmd.ValidateArgs(nil) != nil { // formula FILE
				args = append(args, "../formula/testdata/issue.txt")
			}
			refused(t, args, "--"+f.Name)
		})
	}
	assert.Greater(t, seen, 40, "the walk reached the commands' flags")
	// The shell's other spelling, as its own argument.
	refused(t, []string{"check", "--gradient", ""}, "--gradient is empty")
	refused(t, []string{"formula", "--problem", "", "../formula/testdata/issue.txt"}, "--problem is empty")
}

// --seed has one rule on every command: a whole number from 1.
func TestSeedZero(t *testing.T) {
	for _, c := range []string{"check", "formula", "train", "curvature", "report"} {
		refused(t, []string{c, "--seed", "0"}, `"--seed" flag`, "seeds start at 1")
	}
	code, _, errb := mainOut("check", "--seed", "18446744073709551615")
	assert.Equal(t, ExitOK, code, errb)
}

// --max-memory is read exactly: fractions of a unit, EiB, and nothing
// below one byte.
func TestMaxMemoryUnits(t *testing.T) {
	refused(t, []string{"check", "--max-memory", "0.5"}, `"--max-memory" flag`, "less than one byte")
	refused(t, []string{"check", "--max-memory", "0.5KiB"}, "limit of 512 B")
	for _, limit := range []string{"1EiB", "0.5TiB", "8EiB"} {
		code, _, errb := mainOut("check", "--max-memory", limit)
		assert.Equal(t, ExitOK, code, "%s: %s", limit, errb)
	}
}

// A problem file saved by Windows Notepad starts with a UTF-8 byte order
// mark: it is read, and an error in it is placed as an editor shows it.
func TestProblemWithBOM(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.json")
	code, _, errb := mainOut("check", "--save", plain)
	require.Equal(t, ExitOK, code, errb)
	raw, err := os.ReadFile(plain)
	require.NoError(t, err)
	withBOM := filepath.Join(dir, "bom.json")
	require.NoError(t, os.WriteFile(withBOM, append([]byte("\xef\xbb\xbf"), raw...), 0o644))
	code, out, errb := mainOut("check", withBOM)
	assert.Equal(t, ExitOK, code, errb)
	assert.Contains(t, out, "PASS")

	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte("\xef\xbb\xbf{x"), 0o644))
	refused(t, []string{"check", bad}, bad+":1:", "invalid character 'x'")
}

// A problem deeper than problem.MaxLayers is refused, in a file as on
// --net, before anything is checked.
func TestTooManyLayers(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"convention": "row", "cost": "quadratic", "reduction": "mean", "layers": [`)
	for i := range 1001 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"activation": "sigmoid", "W": [[1]], "b": [0]}`)
	}
	b.WriteString(`], "X": [[1]], "Y": [[0.5]]}`)
	deep := filepath.Join(t.TempDir(), "deep.json")
	require.NoError(t, os.WriteFile(deep, []byte(b.String()), 0o644))
	refused(t, []string{"check", deep}, deep+": layers: 1001 layers, more than the 1000")
	net := "2" + strings.Repeat(",2", 1001)
	refused(t, []string{"check", "--net", net}, `"--net" flag`, "1001 layers, more than the 1000")
	refused(t, []string{"train", "--data", "xor", "--net", net}, `"--net" flag`, "1001 layers")
}

// A mini-batch larger than the training set is the whole set, a step of
// full-batch gradient descent: within the budget, not an allocation of
// the batch the flag names (16 GB a layer for 2,000,000,000).
func TestHugeBatch(t *testing.T) {
	code, out, errb := mainOut("train", "--data", "xor", "--batch", "2000000000", "--epochs", "1")
	assert.Equal(t, ExitOK, code, errb)
	assert.Contains(t, out, "batch 2000000000")
}

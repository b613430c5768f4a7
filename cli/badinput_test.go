package cli

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBadCommandLines: bad command lines for the flags every command
// shares and for train and curvature end with exit status 2, nothing on
// stdout, one line on stderr that names the flag or the file, and no
// stack trace; sizes too large for memory are refused with the estimate
// and the limit, before anything is allocated (a test that allocated them
// would not finish).
func TestBadCommandLines(t *testing.T) {
	dir := t.TempDir()
	dup := filepath.Join(dir, "dup.json")
	require.NoError(t, os.WriteFile(dup, []byte(`{"convention": "row", "convention": "column"}`), 0o644))
	const huge = "9223372036854775807"
	cases := []struct {
		args  []string
		wants []string // each must appear in stderr
	}{
		// The flags every command shares, on each command.
		{[]string{"check", "--act", "sigmod"}, []string{`"--act" flag`, `unknown activation "sigmod"`}},
		{[]string{"check", "--init", "zeros"}, []string{`"--init" flag`, "want one of normal"}},
		{[]string{"check", "--cost", "mse"}, []string{`"--cost" flag`}},
		{[]string{"check", "--reduction", "avg"}, []string{`"--reduction" flag`}},
		{[]string{"check", "--convention", "col"}, []string{`"--convention" flag`}},
		{[]string{"check", "--net", "4,x,2"}, []string{`"--net" flag`, "positive whole numbers"}},
		{[]string{"check", "--net", "4"}, []string{`"--net" flag`, "at least an input size and an output size"}},
		{[]string{"check", "--net", "99999999999999999999,2"}, []string{`"--net" flag`, "larger than any network"}},
		{[]string{"check", "--net", huge + ",2"}, []string{"--net " + huge + ",2", "more than 8 EiB", "--max-memory"}},
		{[]string{"check", "--net", "100000000,2"}, []string{"--net 100000000,2", "needs about 49.2 GiB", "limit of 4 GiB", "--max-memory"}},
		{[]string{"check", "--batch", "1000000000"}, []string{"--batch 1000000000", "limit of 4 GiB"}},
		{[]string{"check", "--batch", "0"}, []string{"--batch 0"}},
		{[]string{"check", "--act", "relu,tanh,sigmoid"}, []string{"--act", "3 activations for 2 layers"}},
		{[]string{"check", "--act", "softmax", "--net", "4,1"}, []string{"--act softmax", "softmax over 1 output"}},
		{[]string{"check", "--act", "softmax,sigmoid"}, []string{"--act softmax,sigmoid", "softmax on hidden layer 1"}},
		{[]string{"check", "--cost", "cross-entropy", "--act", "relu"}, []string{"--act relu --cost cross-entropy", "needs outputs in (0,1)"}},
		{[]string{"check", "--max-memory", "lots"}, []string{`"--max-memory" flag`, `unknown unit "lots"`}},
		{[]string{"check", "--max-memory", "0"}, []string{`"--max-memory" flag`, "positive amount"}},
		{[]string{"check", "--max-memory", "1KiB"}, []string{"limit of 1 KiB", "--max-memory"}},
		{[]string{"check", "/dev/zero"}, []string{"/dev/zero:1:", "invalid JSON"}},
		{[]string{"check", dup}, []string{dup, `convention: duplicate key "convention"`}},
		{[]string{"check", filepath.Join(dir, "missing.json")}, []string{"missing.json", "no such file"}},
		{[]string{"check", dir}, []string{dir, "is a directory"}},
		{[]string{"formula", "../formula/testdata/issue.txt", "--act", "sigmod"}, []string{`"--act" flag`}},
		{[]string{"formula", "../formula/testdata/issue.txt", "--net", huge + ",3,2"}, []string{"more than 8 EiB", "--max-memory"}},
		{[]string{"formula", "../formula/testdata/issue.txt", "--max-memory", "1KiB"}, []string{"limit of 1 KiB"}},

		// train.
		{[]string{"train", "--data", "xor", "--net", "2," + huge + ",2"}, []string{"2," + huge + ",2", "more than 8 EiB", "--max-memory"}},
		{[]string{"train", "--data", "xor", "--net", "2,100000,100000,2"}, []string{"2,100000,100000,2", "limit of 4 GiB", "--max-memory"}},
		{[]string{"train", "--data", "xor", "--train-size", "1000000000"}, []string{"--train-size 1000000000", "limit of 4 GiB", "--max-memory"}},
		{[]string{"train", "--data", "xor", "--mnist", dir}, []string{"--mnist applies to --data mnist only"}},
		{[]string{"train", "--data", "blobs", "--pixels", "unit"}, []string{"--pixels applies to --data mnist only"}},
		{[]string{"train", "--data", "xor", "--pixels", "grey"}, []string{`"--pixels" flag`}},
		{[]string{"train", "--data", "xor", "--net", "2,4,4,2", "--act", "relu,tanh"}, []string{}}, // hidden,output: valid (see below)
		{[]string{"train", "--data", "xor", "--net", "2,4,4,4,2", "--act", "relu,tanh,sigmoid"}, []string{"--act", "3 activations for 4 layers"}},
		{[]string{"train", "--data", "xor", "--eta", "NaN"}, []string{"--eta NaN"}},
		{[]string{"train", "--data", "xor", "--eta", "Inf"}, []string{"--eta +Inf"}},
		{[]string{"train", "--data", "xor", "--lambda", "NaN"}, []string{"--lambda NaN"}},
		{[]string{"check", "--lambda", "-1"}, []string{"--lambda -1", "λ ≥ 0"}},
		{[]string{"check", "--lambda", "1", "--lambda-n", "-3"}, []string{"--lambda-n -3"}},
		{[]string{"check", "--keep-prob", "1.5"}, []string{"--keep-prob 1.5", "0 < p ≤ 1"}},
		{[]string{"check", "--net", "4,2", "--keep-prob", "0.5"}, []string{"--keep-prob 0.5 --net 4,2", "hidden layers"}},
		{[]string{"train", "--data", "xor", "--grad-tol", "-1"}, []string{"--grad-tol -1"}},
		{[]string{"train", "--data", "xor", "--batch", "-1"}, []string{"--batch -1"}},
		{[]string{"train", "--data", "xor", "--seed", "-1"}, []string{`"--seed" flag`}},
		{[]string{"train", "--data", "xor", "--max-time", "soon"}, []string{`"--max-time" flag`}},
		{[]string{"train", "--data", "xor", "--max-memory", "1KiB"}, []string{"limit of 1 KiB", "--max-memory"}},
		{[]string{"train", "--mnist", filepath.Join(dir, "nowhere")}, []string{filepath.Join(dir, "nowhere", "train-images-idx3-ubyte.gz")}},

		// curvature: the flags of train, and its own.
		{[]string{"curvature", "--data", "xor", "--examples", "-5"}, []string{"--examples -5"}},
		{[]string{"curvature", "--data", "xor", "--net", "2,1000000,2"}, []string{"2,1000000,2", "limit of 4 GiB"}},
		{[]string{"curvature", "--data", "xor", "--mnist", dir}, []string{"--mnist applies to --data mnist only"}},
		{[]string{"curvature", "--data", "xor", "--init", "zeros"}, []string{`"--init" flag`}},
	}
	for _, tc := range cases {
		name := strings.Join(tc.args, " ")
		t.Run(name, func(t *testing.T) {
			code, out, errb := mainOut(quick(tc.args)...)
			if len(tc.wants) == 0 { // a valid line among the bad ones: the rule's other side
				assert.Equal(t, 0, code, errb)
				return
			}
			assert.Equal(t, ExitBadInput, code, errb)
			assert.Empty(t, out)
			assert.Equal(t, 1, strings.Count(errb, "\n"), "one line: %q", errb)
			assert.True(t, strings.HasPrefix(errb, "backproof: "), errb)
			for _, w := range tc.wants {
				assert.Contains(t, errb, w)
			}
			for _, trace := range []string{"goroutine ", "panic", ".go:", "internal error"} {
				assert.NotContains(t, errb, trace)
			}
		})
	}
}

// quick adds --epochs 0 to a train or curvature line: measure the start
// and stop, so that a line that is valid runs in milliseconds.
func quick(args []string) []string {
	if args[0] == "train" || args[0] == "curvature" {
		return append(append([]string(nil), args...), "--epochs", "0")
	}
	return args
}

// failingWriter fails every write, as stdout does on a full disk.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

// Output that cannot be written is not a success: exit 2 with a message
// saying the result was not delivered, for a passing check as for a run.
func TestWriteErrorNotSuccess(t *testing.T) {
	for _, args := range [][]string{
		{"check"},
		{"check", "--json"},
		{"train", "--data", "xor", "--epochs", "1"},
		{"train", "--data", "xor", "--epochs", "1", "--json"},
	} {
		var errb strings.Builder
		code := Main(args, failingWriter{}, &errb)
		assert.Equal(t, ExitBadInput, code, "%v: %s", args, errb.String())
		assert.Contains(t, errb.String(), "backproof: cannot write the output: no space left on device; the result was not delivered", args)
	}
	// /dev/full, where the system has it: the case the report found.
	if f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0); err == nil {
		defer f.Close()
		var errb strings.Builder
		code := Main([]string{"check"}, f, &errb)
		assert.Equal(t, ExitBadInput, code)
		assert.Contains(t, errb.String(), "no space left on device")
	}
}

// A panic inside a command is a bug, not bad input: exit 3, one line
// asking to report it, no stack trace.
func TestPanicIsInternalError(t *testing.T) {
	commands = append(commands, func() *cobra.Command {
		return &cobra.Command{Use: "panic-for-test", Hidden: true, RunE: func(*cobra.Command, []string) error {
			var m map[string]int
			m["x"]++ // a nil map: a bug
			return nil
		}}
	})
	defer func() { commands = commands[:len(commands)-1] }()
	code, out, errb := mainOut("panic-for-test")
	assert.Equal(t, ExitInternal, code)
	assert.Empty(t, out)
	assert.Contains(t, errb, "backproof: internal error: assignment to entry in nil map")
	assert.Contains(t, errb, "please report it")
	assert.NotContains(t, errb, "goroutine ")
	assert.Equal(t, 1, strings.Count(errb, "\n"))
}

// The help of every command documents the same exit statuses and the
// shared flags with the same defaults.
func TestSharedFlagsAndHelp(t *testing.T) {
	code, out, _ := mainOut("--help")
	require.Equal(t, 0, code)
	for _, w := range []string{"0  success", "1  the check found a mismatch", "2  bad input or usage", "3  internal error"} {
		assert.Contains(t, out, w)
	}
	defaults := map[string]string{}
	for _, c := range []string{"check", "formula", "train", "curvature"} {
		root := newRoot()
		cmd, _, err := root.Find([]string{c})
		require.NoError(t, err)
		for _, flag := range []string{"act", "cost", "reduction", "convention", "init", "max-memory"} {
			f := cmd.Flags().Lookup(flag)
			require.NotNil(t, f, "%s --%s", c, flag)
			if prev, ok := defaults[flag]; ok {
				assert.Equal(t, prev, f.DefValue, "%s --%s default", c, flag)
			}
			defaults[flag] = f.DefValue
		}
	}
	assert.Equal(t, map[string]string{"act": "sigmoid", "cost": "quadratic", "reduction": "mean",
		"convention": "row", "init": "normal", "max-memory": "4GiB"}, defaults)
}

package cli

import (
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mainOut(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = Main(args, &out, &errb)
	return code, out.String(), errb.String()
}

// trainJSON is the part of `train --json` that docs/contracts.md makes a contract.
type trainJSON struct {
	Config map[string]any `json:"config"`
	Epochs []struct {
		Epoch             int       `json:"epoch"`
		Seconds           float64   `json:"seconds"`
		TrainCost         float64   `json:"train_cost"`
		TestCost          float64   `json:"test_cost"`
		TestAccuracy      float64   `json:"test_accuracy"`
		GradNorm          []float64 `json:"grad_norm"`
		SaturatedFraction float64   `json:"saturated_fraction"`
	} `json:"epochs"`
	Stopped           string   `json:"stopped"`
	FinalTestAccuracy *float64 `json:"final_test_accuracy"`
	Divergence        *struct {
		Epoch int    `json:"epoch"`
		Step  int    `json:"step"`
		Cause string `json:"cause"`
	} `json:"divergence"`
	Curvature []struct {
		Epoch int    `json:"epoch"`
		Kind  string `json:"kind"`
	} `json:"curvature"`
}

func TestTrainJSONContract(t *testing.T) {
	code, out, errb := mainOut("train", "--data", "xor", "--net", "2,4,2", "--eta", "2", "--epochs", "3", "--train-size", "200", "--json")
	require.Equal(t, 0, code, errb)
	assert.Empty(t, errb, "no progress bar when stderr is not a terminal")
	var h trainJSON
	require.NoError(t, json.Unmarshal([]byte(out), &h), out)
	assert.Equal(t, "max-epochs", h.Stopped)
	require.Len(t, h.Epochs, 4, "epoch 0 and three epochs")
	for i, e := range h.Epochs {
		assert.Equal(t, i, e.Epoch)
		assert.Len(t, e.GradNorm, 2)
		assert.GreaterOrEqual(t, e.SaturatedFraction, 0.0)
		assert.Greater(t, e.TestAccuracy, 0.0)
	}
	require.NotNil(t, h.FinalTestAccuracy)
	assert.Equal(t, h.Epochs[3].TestAccuracy, *h.FinalTestAccuracy)
	assert.Equal(t, "xor", h.Config["data"])
	assert.Equal(t, "mean", h.Config["reduction"])
	assert.Equal(t, 200.0, h.Config["train_size"])
	// One JSON object and nothing else on stdout.
	assert.Equal(t, 1, bytes.Count([]byte(out), []byte("\n")))
}

func TestTrainTable(t *testing.T) {
	code, out, errb := mainOut("train", "--data", "blobs", "--epochs", "2", "--eta", "1", "--convention", "per-example")
	require.Equal(t, 0, code, errb)
	for _, want := range []string{"epoch", "train cost", "test acc", "|∇C| by layer", "saturated",
		"inside epoch 1", "stopped: max-epochs", "per-example convention", "final test accuracy"} {
		assert.Contains(t, out, want)
	}
}

// A run that blows up: relu on blobs (inputs up to ±12) with η 5 and the
// sum reduction over batches of 50. Exit 1, the history printed, and the
// cause on stderr.
func TestTrainDivergesExit1(t *testing.T) {
	code, out, errb := mainOut("train", "--data", "blobs", "--act", "relu,identity", "--reduction", "sum",
		"--eta", "5", "--batch", "50", "--epochs", "3", "--json")
	require.Equal(t, 1, code, errb)
	var h trainJSON
	require.NoError(t, json.Unmarshal([]byte(out), &h), out)
	assert.Equal(t, "diverged", h.Stopped)
	require.NotNil(t, h.Divergence)
	assert.Equal(t, 1, h.Divergence.Epoch)
	assert.Contains(t, h.Divergence.Cause, "50 times larger than with mean")
	assert.Len(t, h.Epochs, 1, "the history so far: epoch 0")
	assert.Contains(t, errb, "training diverged at epoch 1, step")
	assert.Equal(t, 1, bytes.Count([]byte(errb), []byte("\n")), "one line on stderr")
}

func TestTrainBadInputExit2(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--init", "uniform"}, `"--init" flag: unknown init "uniform" (want one of normal, normal-scaled, uniform01, uniform-half, uniform-1, xavier, he)`},
		{[]string{"--act", "sigmod"}, `"--act" flag: unknown activation`},
		{[]string{"--cost", "mse"}, `"--cost" flag: unknown cost`},
		{[]string{"--convention", "rows"}, `"--convention" flag: unknown convention`},
		{[]string{"--reduction", "avg"}, `"--reduction" flag: unknown reduction`},
		{[]string{"--data", "moons"}, `unknown synthetic set "moons"`},
		{[]string{"--data", "xor", "--net", "784,30,10"}, "the input layer has 784 units but the data has 2 inputs"},
		{[]string{"--data", "xor", "--net", "2,30,10"}, "the output layer has 10 units but the data has 2 classes"},
		{[]string{"--data", "xor", "--net", "2,x,2"}, "--net"},
		{[]string{"--data", "xor", "--pixels", "raw"}, "--pixels applies to --data mnist only"},
		{[]string{"--data", "xor", "--pixels", "grey"}, "--pixels"},
		{[]string{"--data", "xor", "--eta", "-1"}, "--eta -1"},
		{[]string{"--data", "xor", "--batch", "0"}, "--batch 0"},
		{[]string{"--data", "xor", "--act", "softmax,sigmoid"}, "softmax is only allowed on the output layer"},
		{[]string{"--data", "xor", "--cost", "cross-entropy", "--act", "relu"}, "needs outputs in (0,1)"},
		{[]string{"--data", "xor", "--epochs", "-2"}, "--epochs -2"},
		{[]string{"--data", "xor", "--max-time", "soon"}, "max-time"},
		{[]string{"extra"}, "unknown command"},
	} {
		code, out, errb := mainOut(append([]string{"train"}, tc.args...)...)
		assert.Equal(t, 2, code, "%v: %s", tc.args, errb)
		assert.Contains(t, errb, tc.want, tc.args)
		assert.Empty(t, out, tc.args)
	}
}

// A data file that is not there is exit 2 with the file named. The image
// headers are read first, to check the memory they announce.
func TestTrainMissingMNISTExit2(t *testing.T) {
	dir := t.TempDir()
	code, _, errb := mainOut("train", "--mnist", dir, "--epochs", "1")
	assert.Equal(t, 2, code)
	assert.Contains(t, errb, filepath.Join(dir, "train-images-idx3-ubyte.gz"))

	bad := filepath.Join(dir, "train-images-idx3-ubyte.gz")
	require.NoError(t, os.WriteFile(bad, []byte("not gzip"), 0o644))
	code, _, errb = mainOut("train", "--mnist", dir, "--epochs", "1")
	assert.Equal(t, 2, code)
	assert.Contains(t, errb, bad)
}

func TestTrainStops(t *testing.T) {
	code, out, errb := mainOut("train", "--data", "blobs", "--grad-tol", "1e9", "--epochs", "5", "--json")
	require.Equal(t, 0, code, errb)
	var h trainJSON
	require.NoError(t, json.Unmarshal([]byte(out), &h))
	assert.Equal(t, "converged", h.Stopped)
	assert.Len(t, h.Epochs, 2)

	code, out, errb = mainOut("train", "--data", "blobs", "--max-time", "1ns", "--epochs", "5", "--json")
	require.Equal(t, 0, code, errb)
	require.NoError(t, json.Unmarshal([]byte(out), &h))
	assert.Equal(t, "max-time", h.Stopped)
}

func TestCurvatureCommand(t *testing.T) {
	code, out, errb := mainOut("curvature", "--data", "xor", "--net", "2,3,2", "--train-size", "100", "--examples", "50", "--epochs", "2", "--eta", "1", "--json")
	require.Equal(t, 0, code, errb)
	var h trainJSON
	require.NoError(t, json.Unmarshal([]byte(out), &h), out)
	require.Len(t, h.Curvature, 2, "the start and the end")
	assert.Equal(t, 0, h.Curvature[0].Epoch)
	assert.Equal(t, 2, h.Curvature[1].Epoch)
	assert.Contains(t, []string{"minimum", "saddle", "flat", "slope"}, h.Curvature[1].Kind)

	code, out, errb = mainOut("curvature", "--data", "xor", "--net", "2,3,2", "--examples", "50")
	require.Equal(t, 0, code, errb)
	assert.Contains(t, out, "curvature after epoch 0 (50 training examples, 17 parameters")
	assert.Contains(t, out, "layer 1")
	assert.NotContains(t, out, "inside epoch 1")
	// Nothing was trained: no "final test accuracy", no "stopped".
	assert.Contains(t, out, "nothing trained")
	assert.NotContains(t, out, "final test accuracy")
	assert.NotContains(t, out, "stopped:")

	code, _, errb = mainOut("curvature", "--data", "xor", "--examples", "-1")
	assert.Equal(t, 2, code)
	assert.Contains(t, errb, "--examples -1")
}

// --plots draws the five figures of a run into a folder it creates, lists
// them after the table (on stderr with --json, whose stdout is the record
// alone), draws a diverged run up to its divergence, and names a folder it
// cannot create, before training, with exit 2.
func TestTrainPlots(t *testing.T) {
	figures := []string{"cost.png", "accuracy.png", "grad-norm.png", "saturation.png", "first-epoch.png"}
	decodes := func(t *testing.T, dir string) {
		t.Helper()
		for _, name := range figures {
			f, err := os.Open(filepath.Join(dir, name))
			require.NoError(t, err)
			img, err := png.Decode(f)
			f.Close()
			require.NoError(t, err, name)
			assert.Equal(t, 7*96, img.Bounds().Dx(), name)
		}
	}
	tmp := t.TempDir()
	xor := []string{"train", "--data", "xor", "--net", "2,4,2", "--eta", "2", "--epochs", "2", "--train-size", "200"}

	dir := filepath.Join(tmp, "new", "xor")
	code, out, errb := mainOut(append(xor, "--plots", dir)...)
	require.Equal(t, 0, code, errb)
	decodes(t, dir)
	for _, name := range figures {
		assert.Contains(t, out, filepath.Join(dir, name))
	}
	assert.Contains(t, out, "a plateau")

	dir = filepath.Join(tmp, "json")
	code, out, errb = mainOut(append(xor, "--json", "--plots", dir)...)
	require.Equal(t, 0, code, errb)
	var h trainJSON
	require.NoError(t, json.Unmarshal([]byte(out), &h), out)
	decodes(t, dir)
	assert.Contains(t, errb, filepath.Join(dir, "grad-norm.png"))

	dir = filepath.Join(tmp, "diverged")
	code, _, errb = mainOut("train", "--data", "blobs", "--act", "relu,identity", "--reduction", "sum",
		"--eta", "5", "--batch", "50", "--epochs", "3", "--plots", dir)
	require.Equal(t, 1, code, errb)
	decodes(t, dir)

	file := filepath.Join(tmp, "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	bad := filepath.Join(file, "figures")
	code, out, errb = mainOut(append(xor, "--plots", bad)...)
	assert.Equal(t, 2, code)
	assert.Contains(t, errb, "--plots "+bad+": cannot create the folder")
	assert.Empty(t, out, "no training")
}

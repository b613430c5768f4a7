package experiments

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/backproof/backproof/data"
	"github.com/backproof/backproof/train"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/quick-report.KERNELS.golden.json from this code")

// The quick report's results, every number bit for bit, against a record
// made by an earlier version of this package: restructuring how the runs
// are scheduled, shared or checkpointed must not change one figure. Each
// figure's results are hashed apart, so a mismatch names the figure.
// Times (fields named Seconds) are left out, and so are the settings:
// neither is a result; so are the training-set numbers of the
// sum-against-mean figure's runs, which that figure does not read and the
// report does not measure (trainingSetOnly), and of the η sweep's runs
// all but their first and last epochs' training cost, accuracy, units and
// classes (etaEnds).
//
// A change meant to change a figure's numbers records them anew, for
// each kernel set that has a record (the AVX2 one on an AVX-512 machine
// with AVX512 set false in internal/kernel/kernel_amd64.go for the recording):
//
//	go test ./experiments -run TestQuickReportGolden -update-golden
func TestQuickReportGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the quick report")
	}
	dir, err := data.MNISTDir()
	require.NoError(t, err)
	tr, va, te, err := data.LoadMNIST(dir, data.Unit)
	require.NoError(t, err)
	r, err := RunReport(Sets{Train: tr, Validation: va, Test: te}, QuickReport(), nil)
	require.NoError(t, err)
	got := resultHashes(r)
	// The record is of one set of train's kernels (train.Kernels): the
	// AVX-512 and AVX2 loops agree to rounding, not to the bit.
	path := filepath.Join("testdata", "quick-report."+train.Kernels()+".golden.json")
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) && !*updateGolden {
		t.Skipf("no record for train's %s kernels (%s); make one from a version known to give the right numbers, with -update-golden", train.Kernels(), path)
	}
	if *updateGolden {
		raw, err := json.MarshalIndent(got, "", "  ")
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, append(raw, '\n'), 0o644))
	}
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var want map[string]string
	require.NoError(t, json.Unmarshal(raw, &want))
	for _, k := range sortedKeys(want) {
		assert.Equal(t, want[k], got[k], "results of %s", k)
	}
	assert.Len(t, got, len(want), "the same results, no more")
}

// notResults are fields that hold no result: times, and whether a run
// measured its training set (the settings of a run, not its outcome).
var notResults = fields("Seconds", "SkipTrainingSet")

// trainingSetOnly are the numbers a run measures on its training set. The
// sum-against-mean figure reads test accuracies alone, so its runs do not
// measure the training set: those numbers are not compared for them.
var trainingSetOnly = fields("Seconds", "SkipTrainingSet", "TrainCost", "TrainAccuracy", "GradNorm", "GradTotal",
	"SaturatedFraction", "SaturatedByLayer", "MaxAbsZ", "ExpOverflow", "DistinctPredictions", "OutputSpread")

// trainingGradient is the gradient a run measures on its training set.
// The η sweep's figure and caption read the training cost where each run
// starts and ends and the classes it predicts at the end, not the
// gradient, so its runs measure the training set at their first and last
// epochs alone, without the gradient: the η sweep's runs are compared
// without their training-set numbers (trainingSetOnly), and their first
// and last epochs apart with them but the gradient (etaEnds).
var trainingGradient = fields("Seconds", "SkipTrainingSet", "GradNorm", "GradTotal")

// etaEnds hashes the first and last epochs of each of the η sweep's
// runs, all but the gradient and the times, as "Etas[i].ends".
func etaEnds(r *Results, out map[string]string) {
	for i, run := range r.Etas {
		var ends []train.Epoch
		if h := run.History; h != nil && len(h.Epochs) > 0 {
			ends = []train.Epoch{h.Epochs[0], h.Epochs[len(h.Epochs)-1]}
		}
		out[fmt.Sprintf("Etas[%d].ends", i)] = hashValue(reflect.ValueOf(ends), trainingGradient)
	}
}

// addedLater are fields added, last in their structs, to the results'
// types after the record was made, whose zero value means what their
// absence meant (no L2 term, no dropout): they are hashed only when set,
// and not counted when not, so that the record still holds.
var addedLater = fields("L2", "Drop", "Penalty", "Keep", "Inherits")

// settingsAddedLater are settings added last in their structs after the
// record was made that hold no result (how many cores a run or a net's
// products took, the shared lists of its inputs, whether and when the
// training set and its gradient were measured): they are neither hashed
// nor counted.
var settingsAddedLater = fields("Cores", "Inputs", "SkipTrainingGradient", "TrainingSetAtEnds")

func fields(names ...string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}

// resultHashes hashes each field of r apart (each element of a slice
// field apart), walking every value it reaches: floats by their bits.
func resultHashes(r *Results) map[string]string {
	out := map[string]string{}
	v := reflect.ValueOf(r).Elem()
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		if f.Name == "Seconds" || f.Name == "Settings" || f.Name == "Parts" {
			continue // times, and the settings: inputs, not results
		}
		if f.Name == "Regularization" {
			// A check of a small problem, apart from the training runs
			// the record is of, added after the record was made: its
			// own tests check it (TestRegcheck).
			continue
		}
		fv := v.Field(i)
		skip := notResults
		switch f.Name {
		case "Batches":
			skip = trainingSetOnly
		case "Etas":
			skip = trainingSetOnly
		}
		if fv.Kind() == reflect.Slice {
			for j := 0; j < fv.Len(); j++ {
				out[fmt.Sprintf("%s[%d]", f.Name, j)] = hashValue(fv.Index(j), skip)
			}
			out[f.Name+".len"] = fmt.Sprint(fv.Len())
			continue
		}
		out[f.Name] = hashValue(fv, skip)
	}
	etaEnds(r, out)
	return out
}

func hashValue(v reflect.Value, skip map[string]bool) string {
	h := sha256.New()
	walk(h, v, map[uintptr]bool{}, skip)
	return fmt.Sprintf("%x", h.Sum(nil))
}

// walk writes v into h: kinds, lengths and the places of struct fields as
// well as values, so that two different structures cannot hash alike by
// accident; names are left out, so that a rename changes no hash. Pointers are
// followed (a cycle once); funcs, channels and the fields named in skip
// are left out.
func walk(h hash.Hash, v reflect.Value, seen map[uintptr]bool, skip map[string]bool) {
	switch v.Kind() {
	case reflect.Invalid:
		fmt.Fprint(h, "∅")
	case reflect.Bool:
		fmt.Fprint(h, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		fmt.Fprint(h, "i", v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		fmt.Fprint(h, "u", v.Uint())
	case reflect.Float32, reflect.Float64:
		fmt.Fprintf(h, "f%x", math.Float64bits(v.Float()))
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		fmt.Fprintf(h, "c%x,%x", math.Float64bits(real(c)), math.Float64bits(imag(c)))
	case reflect.String:
		fmt.Fprintf(h, "s%q", v.String())
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			fmt.Fprint(h, "nil")
			return
		}
		fmt.Fprint(h, "[", v.Len())
		for i := 0; i < v.Len(); i++ {
			walk(h, v.Index(i), seen, skip)
		}
		fmt.Fprint(h, "]")
	case reflect.Map:
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
		fmt.Fprint(h, "{", len(keys))
		for _, k := range keys {
			walk(h, k, seen, skip)
			walk(h, v.MapIndex(k), seen, skip)
		}
		fmt.Fprint(h, "}")
	case reflect.Pointer:
		if v.IsNil() {
			fmt.Fprint(h, "nil")
			return
		}
		// seen holds the pointers being walked, not those walked before:
		// a value shared by two fields hashes in full in both, so sharing
		// more or less does not change a hash.
		if seen[v.Pointer()] {
			fmt.Fprint(h, "cycle")
			return
		}
		seen[v.Pointer()] = true
		walk(h, v.Elem(), seen, skip)
		delete(seen, v.Pointer())
	case reflect.Interface:
		if v.IsNil() {
			fmt.Fprint(h, "nil")
			return
		}
		walk(h, v.Elem(), seen, skip)
	case reflect.Struct:
		// Fields by their place and kind, not their names or their
		// type's: renaming a type or a field changes no result.
		fields := v.NumField()
		for i := 0; i < v.NumField(); i++ {
			if name := v.Type().Field(i).Name; addedLater[name] && v.Field(i).IsZero() || settingsAddedLater[name] {
				fields--
			}
		}
		fmt.Fprint(h, "(", fields)
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if skip[f.Name] || strings.HasPrefix(f.Type.String(), "time.") || addedLater[f.Name] && v.Field(i).IsZero() || settingsAddedLater[f.Name] {
				continue
			}
			fmt.Fprint(h, i, f.Type.Kind(), ":")
			walk(h, v.Field(i), seen, skip)
		}
		fmt.Fprint(h, ")")
	case reflect.Func, reflect.Chan, reflect.UnsafePointer:
		// not results
	}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// The report's numbers do not depend on how many experiments run at once
// or on how many cores run them: one worker on one core and two on two
// give the same results, bit for bit.
func TestReportSameOnOneAndTwoCores(t *testing.T) {
	if testing.Short() {
		t.Skip("loads MNIST and trains")
	}
	dir, err := data.MNISTDir()
	require.NoError(t, err)
	tr, va, te, err := data.LoadMNIST(dir, data.Unit)
	require.NoError(t, err)
	s := QuickReport()
	s.Epochs, s.TrainSize = 2, 500
	s.Checkpoints, s.ProbeExamples, s.SliceGrid = []int{0, 1, 2}, 50, 5
	s.Batches, s.Etas = []int{10, 100}, []float64{0.1, 3}
	var got []map[string]string
	for _, cores := range []int{1, 2} {
		prev := runtime.GOMAXPROCS(cores)
		s.Workers = cores
		r, err := RunReport(Sets{Train: tr, Validation: va, Test: te}, s, nil)
		runtime.GOMAXPROCS(prev)
		require.NoError(t, err)
		require.Len(t, r.Tracks[2].Probes, 3, "every checkpoint probed")
		got = append(got, resultHashes(r))
	}
	assert.Equal(t, got[0], got[1])
}

package cli

import (
	"encoding"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/backproof/backproof/budget"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/problem"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The flags every command shares are declared here, once, so that check,
// formula, train and curvature read --net, --act, --cost, --reduction,
// --convention, --init and --max-memory the same way, with the same
// defaults. Each value parses itself at the edge (pflag.Value) through the
// UnmarshalText of its derive type, the parser problem files use too; a bad
// value is refused by pflag naming the flag, before any command runs.

// textValue is a pflag.Value for a type that reads and writes itself as
// text: derive's named types, derive.Acts, budget.Bytes.
type textValue struct {
	v interface {
		encoding.TextMarshaler
		encoding.TextUnmarshaler
	}
	typ string // what help shows after the flag: "--cost cost"
}

func (t textValue) Set(s string) error { return t.v.UnmarshalText([]byte(s)) }
func (t textValue) Type() string       { return t.typ }
func (t textValue) String() string {
	b, err := t.v.MarshalText()
	if err != nil {
		return fmt.Sprint(t.v)
	}
	return string(b)
}

// sizesValue is --net: layer sizes n₀,n₁,…,n_L. Sizes are checked to be
// positive whole numbers here; whether memory allows them is the budget's
// question (problem.Spec.Validate, train.Config), asked before anything is
// allocated, so a size such as 9223372036854775807 is refused there with
// the estimate instead of overflowing.
type sizesValue []int

func (s *sizesValue) Set(v string) error {
	var sizes []int
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		n, err := strconv.Atoi(part)
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return fmt.Errorf("layer size %s is larger than any network could be (at most %d)", part, math.MaxInt)
		}
		if err != nil || n < 1 {
			return fmt.Errorf("want layer sizes as positive whole numbers separated by commas, such as 784,30,10")
		}
		sizes = append(sizes, n)
	}
	if len(sizes) < 2 {
		return fmt.Errorf("a network needs at least an input size and an output size, such as 784,10")
	}
	if len(sizes)-1 > problem.MaxLayers {
		return fmt.Errorf("%d layers, more than the %d a network may have here", len(sizes)-1, problem.MaxLayers)
	}
	*s = sizes
	return nil
}

func (s sizesValue) Type() string { return "sizes" }
func (s sizesValue) String() string {
	parts := make([]string, len(s))
	for i, n := range s {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ",")
}

// Defaults every command shares. The default init is normal, N(0,1), for
// every command: it is the zero value of derive.Init and the init of
// Nielsen's chapter 1, which train reproduces, so `backproof check --data
// mnist` checks the network `backproof train` starts from.
const (
	initHelp = "initial weights and biases (%s); normal is N(0,1), as in chapter 1 of Michael Nielsen's \"Neural Networks and Deep Learning\" " +
		"(neuralnetworksanddeeplearning.com), which train reproduces; normal-scaled divides the weights by √n_in and keeps wide layers out of saturation"
	actHelp = "activation: one name for every layer, two for hidden,output (relu,softmax), or one per layer (%s)"
)

// modelFlags are the flags that describe a network: every command has them.
type modelFlags struct {
	acts       derive.Acts
	cost       derive.Cost
	reduction  derive.Reduction
	convention derive.Convention
	init       derive.Init
	maxMemory  budget.Bytes
}

// addModelFlags declares --act, --cost, --reduction, --convention, --init
// and --max-memory with their shared defaults; reductionHelp says what the
// reduction averages over in this command.
func addModelFlags(fs *pflag.FlagSet, f *modelFlags, reductionHelp string) {
	f.acts = derive.Acts{derive.Sigmoid}
	f.cost, f.reduction, f.convention, f.init = derive.Quadratic, derive.Mean, derive.Row, derive.Normal
	f.maxMemory = budget.Default
	fs.Var(textValue{&f.acts, "acts"}, "act", fmt.Sprintf(actHelp, names(derive.Activations)))
	fs.Var(textValue{&f.cost, "cost"}, "cost", "cost ("+names(derive.Costs)+")")
	fs.Var(textValue{&f.reduction, "reduction"}, "reduction", reductionHelp)
	fs.Var(textValue{&f.convention, "convention"}, "convention", "convention ("+names(derive.Conventions)+")")
	fs.Var(textValue{&f.init, "init"}, "init", fmt.Sprintf(initHelp, names(derive.Inits)))
	addMemoryFlag(fs, &f.maxMemory)
}

// addMemoryFlag declares --max-memory, the one limit every command checks
// its estimates against (package budget) before allocating.
func addMemoryFlag(fs *pflag.FlagSet, limit *budget.Bytes) {
	*limit = budget.Default
	fs.Var(textValue{limit, "bytes"}, "max-memory",
		"refuse a request whose estimated memory is larger than this, such as 8GiB or 512MiB; raise it to run larger networks, batches or data")
}

// netFlags describe a random problem, shared by check and formula.
type netFlags struct {
	modelFlags
	net     sizesValue
	batch   int
	seed    uint64
	lambda  float64
	lambdaN int
	keep    float64
}

func addNetFlags(cmd *cobra.Command, f *netFlags) {
	fs := cmd.Flags()
	f.net = sizesValue{4, 3, 2}
	fs.Var(&f.net, "net", "layer sizes n0,n1,…,nL of a random problem")
	fs.IntVar(&f.batch, "batch", 5, "batch size m of a random problem")
	addModelFlags(fs, &f.modelFlags, "reduction: sum, or mean (÷ m)")
	addSeedFlag(fs, &f.seed, "random seed")
	fs.Float64Var(&f.lambda, "lambda", 0, "L2 regularization λ of a random problem: C = C₀ + (λ/(2N)) Σ‖W‖², weights only")
	fs.IntVar(&f.lambdaN, "lambda-n", 0, "N that λ is divided by: Nielsen's n (the training set's size), Ng's m, or 1 (default: m for a mean cost, 1 for a sum)")
	fs.Float64Var(&f.keep, "keep-prob", 0, "inverted dropout on every hidden layer of a random problem, each unit kept with probability p: A = (D ⊙ f(Z))/p, masks D drawn from --seed (default: no dropout)")
}

// seedValue is --seed, the same rule on every command: a whole number from
// 1 up. 0 is refused rather than read: train.Config and the report take a
// zero seed to mean the default, 1, and a seed the user gave must not be
// replaced silently by another.
type seedValue struct{ p *uint64 }

func (s seedValue) Set(v string) error {
	n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
	switch {
	case err != nil:
		return fmt.Errorf("want a whole number from 1 to %d", uint64(math.MaxUint64))
	case n == 0:
		return errors.New("0 is not a seed here: seeds start at 1 (the default), on every command")
	}
	*s.p = n
	return nil
}

func (s seedValue) Type() string   { return "uint64" }
func (s seedValue) String() string { return strconv.FormatUint(*s.p, 10) }

// addSeedFlag declares --seed with the default 1 and seedValue's rule.
func addSeedFlag(fs *pflag.FlagSet, seed *uint64, usage string) {
	*seed = 1
	fs.Var(seedValue{seed}, "seed", usage)
}

// spec turns the flags into a problem.Spec and validates it (sizes, the
// activation list, memory), naming the flag that is wrong.
func (f *netFlags) spec() (problem.Spec, error) {
	s := problem.Spec{Convention: f.convention, Sizes: f.net, Batch: f.batch, Acts: f.acts, Cost: f.cost,
		Reduction: f.reduction, Init: f.init, Seed: f.seed, MaxMemory: f.maxMemory,
		L2: derive.L2{Lambda: f.lambda, N: f.lambdaN}, Keep: f.keep}
	switch {
	case !(f.lambda >= 0) || math.IsInf(f.lambda, 0):
		return s, fmt.Errorf("--lambda %g: want a finite λ ≥ 0", f.lambda)
	case f.lambdaN < 0:
		return s, fmt.Errorf("--lambda-n %d: want N ≥ 1 (Nielsen's n, Ng's m, or 1)", f.lambdaN)
	case !(f.keep >= 0 && f.keep <= 1):
		return s, fmt.Errorf("--keep-prob %g: want a keep probability 0 < p ≤ 1", f.keep)
	case f.keep > 0 && f.keep < 1 && len(s.Sizes) < 3:
		return s, fmt.Errorf("--keep-prob %g --net %s: dropout is on hidden layers, and this network has none", f.keep, f.net)
	}
	if s.Batch < 1 {
		return s, fmt.Errorf("--batch %d: the batch size must be at least 1", s.Batch)
	}
	if _, err := f.acts.Layers(len(s.Sizes) - 1); err != nil {
		return s, fmt.Errorf("--act: %v", err)
	}
	if err := s.Validate(); err != nil {
		if errors.Is(err, budget.ErrTooLarge) {
			return s, fmt.Errorf("--net %s --batch %d: %w", f.net, f.batch, err)
		}
		// Sizes and batch are checked above: what is left is the
		// activations against the cost or the output size.
		return s, fmt.Errorf("--act %s --cost %s --net %s: %w", f.acts, f.cost, f.net, err)
	}
	return s, nil
}

func names[T fmt.Stringer](values []T) string {
	s := make([]string, len(values))
	for i, v := range values {
		s[i] = v.String()
	}
	return strings.Join(s, ", ")
}

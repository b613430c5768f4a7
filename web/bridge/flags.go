package bridge

import (
	"encoding"
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/backproof/backproof/budget"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/internal/printf"
	"github.com/backproof/backproof/problem"
)

// The flags of a random problem, read as the command line reads them: the
// same names, defaults and parsers (derive's UnmarshalText), so that a
// value the command line refuses is refused here with the same words. The
// command line's own flag values live in package cli, which the page
// cannot carry (it holds the training, the plots and the MNIST reader),
// and its flag parser is pflag's, which would bring the page time
// formats, IP addresses and CSV for flags it does not have; FlagSet reads
// --name value and --name=value as pflag does, with pflag's messages.
// TestSameAsCLI runs both on the same inputs and compares their output
// byte for byte.

// Value is a flag's value, as pflag.Value.
type Value interface {
	Set(string) error
	String() string
	Type() string
}

// FlagSet is the flags of a command: --name value, --name=value, and a
// bool flag alone.
type FlagSet struct {
	values  map[string]Value
	changed map[string]bool
	args    []string
}

// NewFlagSet is an empty FlagSet.
func NewFlagSet() *FlagSet {
	return &FlagSet{values: map[string]Value{}, changed: map[string]bool{}}
}

// Var declares the flag name.
func (f *FlagSet) Var(v Value, name string) { f.values[name] = v }

// Changed tells whether the flag name was set.
func (f *FlagSet) Changed(name string) bool { return f.changed[name] }

// Lookup is the value of the flag name, nil if there is none.
func (f *FlagSet) Lookup(name string) Value { return f.values[name] }

// NArg and Arg are the arguments left after the flags.
func (f *FlagSet) NArg() int        { return len(f.args) }
func (f *FlagSet) Arg(i int) string { return f.args[i] }

// Set sets the flag name to value, as pflag's FlagSet.Set does.
func (f *FlagSet) Set(name, value string) error {
	v, ok := f.values[name]
	if !ok {
		return printf.Errorf("flag %q does not exist", name)
	}
	if err := v.Set(value); err != nil {
		return printf.Errorf("invalid argument %q for %q flag: %v", value, "--"+name, err)
	}
	f.changed[name] = true
	return nil
}

// Parse reads args as pflag does: flags until "--" or the first argument
// that is not one (pflag reads flags after arguments too).
func (f *FlagSet) Parse(args []string) error {
	for len(args) > 0 {
		s := args[0]
		args = args[1:]
		if s == "--" {
			f.args = append(f.args, args...)
			break
		}
		if len(s) < 2 || s[0] != '-' {
			f.args = append(f.args, s)
			continue
		}
		if s[1] != '-' {
			return printf.Errorf("unknown shorthand flag: %q in %s", s[1], s)
		}
		name := s[2:]
		if name == "" || name[0] == '-' || name[0] == '=' {
			return printf.Errorf("bad flag syntax: %s", s)
		}
		name, value, given := strings.Cut(name, "=")
		v, ok := f.values[name]
		switch {
		case !ok:
			return printf.Errorf("unknown flag: --%s", name)
		case given:
		case v.Type() == "bool":
			value = "true"
		case len(args) > 0:
			value, args = args[0], args[1:]
		default:
			return printf.Errorf("flag needs an argument: --%s", name)
		}
		if err := f.Set(name, value); err != nil {
			return err
		}
	}
	return nil
}

// intValue and boolValue are pflag's int and bool flags.
type intValue struct{ p *int }

func (v intValue) Set(s string) error {
	n, err := strconv.ParseInt(s, 0, 64)
	*v.p = int(n)
	return err
}
func (v intValue) String() string { return strconv.Itoa(*v.p) }
func (v intValue) Type() string   { return "int" }

// floatValue is pflag's float64 flag.
type floatValue struct{ p *float64 }

func (v floatValue) Set(s string) error {
	f, err := strconv.ParseFloat(s, 64)
	*v.p = f
	return err
}
func (v floatValue) String() string { return strconv.FormatFloat(*v.p, 'g', -1, 64) }
func (v floatValue) Type() string   { return "float64" }

type boolValue struct{ p *bool }

func (v boolValue) Set(s string) error {
	b, err := strconv.ParseBool(s)
	*v.p = b
	return err
}
func (v boolValue) String() string { return strconv.FormatBool(*v.p) }
func (v boolValue) Type() string   { return "bool" }

// textValue is a Value for a type that reads and writes itself as text.
type textValue struct {
	v interface {
		encoding.TextMarshaler
		encoding.TextUnmarshaler
		String() string
	}
	typ string
}

func (t textValue) Set(s string) error { return t.v.UnmarshalText([]byte(s)) }
func (t textValue) Type() string       { return t.typ }
func (t textValue) String() string {
	b, err := t.v.MarshalText()
	if err != nil {
		return t.v.String()
	}
	return string(b)
}

// sizesValue is --net: layer sizes n₀,n₁,…,n_L.
type sizesValue []int

func (s *sizesValue) Set(v string) error {
	var sizes []int
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		n, err := strconv.Atoi(part)
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return printf.Errorf("layer size %s is larger than any network could be (at most %d)", part, math.MaxInt)
		}
		if err != nil || n < 1 {
			return printf.Errorf("want layer sizes as positive whole numbers separated by commas, such as 784,30,10")
		}
		sizes = append(sizes, n)
	}
	if len(sizes) < 2 {
		return printf.Errorf("a network needs at least an input size and an output size, such as 784,10")
	}
	if len(sizes)-1 > problem.MaxLayers {
		return printf.Errorf("%d layers, more than the %d a network may have here", len(sizes)-1, problem.MaxLayers)
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

// seedValue is --seed: a whole number from 1 up.
type seedValue struct{ p *uint64 }

func (s seedValue) Set(v string) error {
	n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
	switch {
	case err != nil:
		return printf.Errorf("want a whole number from 1 to %d", uint64(math.MaxUint64))
	case n == 0:
		return errors.New("0 is not a seed here: seeds start at 1 (the default), on every command")
	}
	*s.p = n
	return nil
}

func (s seedValue) Type() string   { return "uint64" }
func (s seedValue) String() string { return strconv.FormatUint(*s.p, 10) }

// netFlags are the flags of a random problem with their defaults.
type netFlags struct {
	fs         *FlagSet
	acts       derive.Acts
	cost       derive.Cost
	reduction  derive.Reduction
	convention derive.Convention
	init       derive.Init
	maxMemory  budget.Bytes
	net        sizesValue
	batch      int
	seed       uint64
	lambda     float64
	lambdaN    int
	keep       float64
	json       bool
}

// newNetFlags declares the flags `backproof formula` and `backproof check`
// share, with the command line's defaults.
func newNetFlags() *netFlags {
	f := &netFlags{fs: NewFlagSet()}
	f.acts = derive.Acts{derive.Sigmoid}
	f.cost, f.reduction, f.convention, f.init = derive.Quadratic, derive.Mean, derive.Row, derive.Normal
	f.maxMemory = budget.Default
	f.net = sizesValue{4, 3, 2}
	f.seed = 1
	fs := f.fs
	f.batch = 5
	fs.Var(&f.net, "net")
	fs.Var(intValue{&f.batch}, "batch")
	fs.Var(textValue{&f.acts, "acts"}, "act")
	fs.Var(textValue{&f.cost, "cost"}, "cost")
	fs.Var(textValue{&f.reduction, "reduction"}, "reduction")
	fs.Var(textValue{&f.convention, "convention"}, "convention")
	fs.Var(textValue{&f.init, "init"}, "init")
	fs.Var(textValue{&f.maxMemory, "bytes"}, "max-memory")
	fs.Var(seedValue{&f.seed}, "seed")
	fs.Var(floatValue{&f.lambda}, "lambda")
	fs.Var(intValue{&f.lambdaN}, "lambda-n")
	fs.Var(floatValue{&f.keep}, "keep-prob")
	fs.Var(boolValue{&f.json}, "json")
	return f
}

// parse reads args as the command line does; they are flags only (the
// derivation is not a file here, so there is no argument).
func (f *netFlags) parse(args []string) error {
	if err := f.fs.Parse(args); err != nil {
		return err
	}
	if f.fs.NArg() > 0 {
		return printf.Errorf("%q is not a flag: give --name value pairs", f.fs.Arg(0))
	}
	return nil
}

// spec turns the flags into a problem.Spec and validates it, naming the
// flag that is wrong.
func (f *netFlags) spec() (problem.Spec, error) {
	s := problem.Spec{Convention: f.convention, Sizes: f.net, Batch: f.batch, Acts: f.acts, Cost: f.cost,
		Reduction: f.reduction, Init: f.init, Seed: f.seed, MaxMemory: f.maxMemory,
		L2: derive.L2{Lambda: f.lambda, N: f.lambdaN}, Keep: f.keep}
	switch {
	case !(f.lambda >= 0) || math.IsInf(f.lambda, 0):
		return s, printf.Errorf("--lambda %g: want a finite λ ≥ 0", f.lambda)
	case f.lambdaN < 0:
		return s, printf.Errorf("--lambda-n %d: want N ≥ 1 (Nielsen's n, Ng's m, or 1)", f.lambdaN)
	case !(f.keep >= 0 && f.keep <= 1):
		return s, printf.Errorf("--keep-prob %g: want a keep probability 0 < p ≤ 1", f.keep)
	case f.keep > 0 && f.keep < 1 && len(s.Sizes) < 3:
		return s, printf.Errorf("--keep-prob %g --net %s: dropout is on hidden layers, and this network has none", f.keep, f.net)
	}
	if s.Batch < 1 {
		return s, printf.Errorf("--batch %d: the batch size must be at least 1", s.Batch)
	}
	if _, err := f.acts.Layers(len(s.Sizes) - 1); err != nil {
		return s, printf.Errorf("--act: %v", err)
	}
	if err := s.Validate(); err != nil {
		if errors.Is(err, budget.ErrTooLarge) {
			return s, printf.Errorf("--net %s --batch %d: %w", f.net, f.batch, err)
		}
		return s, printf.Errorf("--act %s --cost %s --net %s: %w", f.acts, f.cost, f.net, err)
	}
	return s, nil
}

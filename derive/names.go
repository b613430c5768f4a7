package derive

import (
	"strings"

	"github.com/backproof/backproof/internal/printf"
)

// Convention is a layout of the batch and the parameters (docs/conventions.md).
type Convention int

const (
	// Row is the numpy learner's layout: one example a row, Z = A W + b,
	// W^ℓ is n_{ℓ−1}×n_ℓ. The thread's opening post.
	Row Convention = iota
	// Column is the vectorized layout of Ng's course: one example a
	// column, Z = W A + b, W^ℓ is n_ℓ×n_{ℓ−1}.
	Column
	// PerExample is Nielsen's network.py: column vectors, one example at a
	// time, gradients summed over the mini-batch.
	PerExample
)

// Conventions lists every convention, in the order tables print them.
var Conventions = []Convention{Row, Column, PerExample}

var conventionNames = []string{"row", "column", "per-example"}

func (c Convention) String() string { return nameOf(conventionNames, int(c), "convention") }

// ParseConvention returns the convention named s ("row", "column", "per-example").
func ParseConvention(s string) (Convention, error) {
	return parseName("convention", Conventions, conventionNames, s)
}

// ColumnLayout reports whether W^ℓ is n_ℓ×n_{ℓ−1} and examples are columns.
func (c Convention) ColumnLayout() bool { return c != Row }

// Reduction is R in C = R · Σ_x C_x: where the thread's 1/m belongs.
type Reduction int

const (
	// Mean is the zero value because it is every command's default: the
	// thread's 1/m, Nielsen's η/m.
	Mean Reduction = iota // R = 1/m
	Sum                   // R = 1
)

// Reductions lists both reductions, in the order tables print them.
var Reductions = []Reduction{Sum, Mean}

var reductionNames = []string{Mean: "mean", Sum: "sum"}

func (r Reduction) String() string { return nameOf(reductionNames, int(r), "reduction") }

// ParseReduction returns the reduction named s.
func ParseReduction(s string) (Reduction, error) {
	return parseName("reduction", Reductions, reductionNames, s)
}

// Factor is R for a batch of m examples.
func (r Reduction) Factor(m int) float64 {
	if r == Mean {
		return 1 / float64(m)
	}
	return 1
}

func nameOf(names []string, i int, kind string) string {
	if i < 0 || i >= len(names) {
		return printf.Sprintf("%s(%d)", kind, i)
	}
	return names[i]
}

// parseName finds s among the names of list (names is indexed by value);
// the error lists the names in list's order, the order help text shows.
func parseName[T ~int](kind string, list []T, names []string, s string) (T, error) {
	want := make([]string, len(list))
	for i, v := range list {
		if names[v] == s {
			return v, nil
		}
		want[i] = names[v]
	}
	return 0, printf.Errorf("unknown %s %q (want one of %s)", kind, s, strings.Join(want, ", "))
}

// marshalName is MarshalText for every named type: a value outside its
// list has no name, and writing "cost(7)" into a file would only fail later.
func marshalName[T ~int](kind string, list []T, names []string, v T) ([]byte, error) {
	if int(v) < 0 || int(v) >= len(names) {
		return nil, printf.Errorf("derive: %s(%d) has no name", kind, int(v))
	}
	return []byte(names[v]), nil
}

// The named types read and write themselves as their names, so flags (the
// cli's pflag values), JSON (problem files, training records) and configs
// all go through the one parser of each type.

// MarshalText returns the convention's name.
func (c Convention) MarshalText() ([]byte, error) {
	return marshalName("convention", Conventions, conventionNames, c)
}

// UnmarshalText accepts the names ParseConvention accepts.
func (c *Convention) UnmarshalText(b []byte) (err error) {
	*c, err = ParseConvention(string(b))
	return err
}

// MarshalText returns the activation's name.
func (a Activation) MarshalText() ([]byte, error) {
	return marshalName("activation", Activations, activationNames, a)
}

// UnmarshalText accepts the names ParseActivation accepts.
func (a *Activation) UnmarshalText(b []byte) (err error) {
	*a, err = ParseActivation(string(b))
	return err
}

// MarshalText returns the cost's name.
func (c Cost) MarshalText() ([]byte, error) { return marshalName("cost", Costs, costNames, c) }

// UnmarshalText accepts the names ParseCost accepts.
func (c *Cost) UnmarshalText(b []byte) (err error) {
	*c, err = ParseCost(string(b))
	return err
}

// MarshalText returns the reduction's name.
func (r Reduction) MarshalText() ([]byte, error) {
	return marshalName("reduction", Reductions, reductionNames, r)
}

// UnmarshalText accepts the names ParseReduction accepts.
func (r *Reduction) UnmarshalText(b []byte) (err error) {
	*r, err = ParseReduction(string(b))
	return err
}

// MarshalText returns the init's name.
func (in Init) MarshalText() ([]byte, error) { return marshalName("init", Inits, initNames, in) }

// UnmarshalText accepts the names ParseInit accepts.
func (in *Init) UnmarshalText(b []byte) (err error) {
	*in, err = ParseInit(string(b))
	return err
}

// Acts is a list of activations as a user writes it, one rule for every
// command, flag and config: one name for every layer ("sigmoid"), two for
// the hidden layers then the output layer ("relu,softmax"), or one per
// layer ("relu,tanh,softmax"). For a net of two layers the last two forms
// agree. Layers expands the list for a net of L layers.
type Acts []Activation

// ParseActs reads a comma-separated list of activation names.
func ParseActs(s string) (Acts, error) {
	var list Acts
	for _, n := range strings.Split(s, ",") {
		a, err := ParseActivation(strings.TrimSpace(n))
		if err != nil {
			return nil, err
		}
		list = append(list, a)
	}
	return list, nil
}

// String writes the list as ParseActs reads it.
func (a Acts) String() string {
	s := make([]string, len(a))
	for i, v := range a {
		s[i] = v.String()
	}
	return strings.Join(s, ",")
}

// MarshalText writes the list as ParseActs reads it.
func (a Acts) MarshalText() ([]byte, error) {
	for _, v := range a {
		if _, err := v.MarshalText(); err != nil {
			return nil, err
		}
	}
	return []byte(a.String()), nil
}

// UnmarshalText accepts what ParseActs accepts.
func (a *Acts) UnmarshalText(b []byte) (err error) {
	*a, err = ParseActs(string(b))
	return err
}

// Layers returns one activation for each of L layers, expanding the short
// forms. Whether the result makes a valid network (softmax only on the
// output, …) is NetSpec.Validate's question.
func (a Acts) Layers(L int) ([]Activation, error) {
	out := make([]Activation, 0, max(L, 0))
	switch {
	case L < 1:
		return nil, printf.Errorf("a network needs at least one layer, got %d", L)
	case len(a) == 1:
		for range L {
			out = append(out, a[0])
		}
	case len(a) == L:
		out = append(out, a...)
	case len(a) == 2 && L > 2:
		for range L - 1 {
			out = append(out, a[0])
		}
		out = append(out, a[1])
	default:
		return nil, printf.Errorf("%d activations for %d layers (%s): give one name for every layer, two for hidden,output, or one per layer",
			len(a), L, a.String())
	}
	return out, nil
}

package derive

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every named value writes its name and reads it back, through JSON as
// the problem files and training records use it; the words are those of
// the docs, written out here by hand rather than taken from the tables.
func TestNamesRoundTrip(t *testing.T) {
	type all struct {
		C Convention
		A Activation
		K Cost
		R Reduction
		I Init
		L Acts
	}
	in := all{PerExample, LeakyReLU, LogLikelihood, Sum, UniformHalf, Acts{ReLU, Softmax}}
	raw, err := json.Marshal(in)
	require.NoError(t, err)
	assert.JSONEq(t, `{"C":"per-example","A":"leaky-relu","K":"log-likelihood","R":"sum","I":"uniform-half","L":"relu,softmax"}`, string(raw))
	var back all
	require.NoError(t, json.Unmarshal(raw, &back))
	assert.Equal(t, in, back)

	words := map[string][]string{
		"convention": {"row", "column", "per-example"},
		"activation": {"sigmoid", "tanh", "relu", "leaky-relu", "softplus", "identity", "elu", "gelu", "softmax"},
		"cost":       {"quadratic", "sum-squares", "cross-entropy", "log-likelihood"},
		"reduction":  {"sum", "mean"},
		"init":       {"normal", "normal-scaled", "uniform01", "uniform-half", "uniform-1", "xavier", "he"},
	}
	lists := map[string][]interface{ MarshalText() ([]byte, error) }{}
	for _, v := range Conventions {
		lists["convention"] = append(lists["convention"], v)
	}
	for _, v := range Activations {
		lists["activation"] = append(lists["activation"], v)
	}
	for _, v := range Costs {
		lists["cost"] = append(lists["cost"], v)
	}
	for _, v := range Reductions {
		lists["reduction"] = append(lists["reduction"], v)
	}
	for _, v := range Inits {
		lists["init"] = append(lists["init"], v)
	}
	for kind, want := range words {
		var got []string
		for _, v := range lists[kind] {
			b, err := v.MarshalText()
			require.NoError(t, err)
			got = append(got, string(b))
		}
		assert.Equal(t, want, got, kind)
	}
}

// The zero values are every command's defaults.
func TestZeroValues(t *testing.T) {
	var s NetSpec
	assert.Equal(t, "row quadratic mean normal", s.Convention.String()+" "+s.Cost.String()+" "+s.Reduction.String()+" "+s.Init.String())
}

func TestUnmarshalErrors(t *testing.T) {
	var c Cost
	err := c.UnmarshalText([]byte("mse"))
	require.Error(t, err)
	assert.Equal(t, `unknown cost "mse" (want one of quadratic, sum-squares, cross-entropy, log-likelihood)`, err.Error())
	var r Reduction
	assert.EqualError(t, r.UnmarshalText([]byte("avg")), `unknown reduction "avg" (want one of sum, mean)`)
	var a Acts
	assert.ErrorContains(t, a.UnmarshalText([]byte("relu,,softmax")), `unknown activation ""`)
	_, err = Cost(9).MarshalText()
	assert.EqualError(t, err, "derive: cost(9) has no name")
	_, err = Acts{Sigmoid, Activation(-2)}.MarshalText()
	assert.Error(t, err)
}

// One rule for the activation list, every command: one name for every
// layer, two for hidden,output, or one per layer.
func TestActsLayers(t *testing.T) {
	for _, tc := range []struct {
		acts string
		L    int
		want []Activation
		err  string
	}{
		{"sigmoid", 1, []Activation{Sigmoid}, ""},
		{"sigmoid", 3, []Activation{Sigmoid, Sigmoid, Sigmoid}, ""},
		{"relu,softmax", 2, []Activation{ReLU, Softmax}, ""},
		{"relu,softmax", 4, []Activation{ReLU, ReLU, ReLU, Softmax}, ""},
		{"relu,tanh,softmax", 3, []Activation{ReLU, Tanh, Softmax}, ""},
		{"relu,softmax", 1, nil, "2 activations for 1 layers"},
		{"relu,tanh,softmax", 4, nil, "3 activations for 4 layers (relu,tanh,softmax)"},
		{"sigmoid", 0, nil, "at least one layer"},
	} {
		a, err := ParseActs(tc.acts)
		require.NoError(t, err)
		got, err := a.Layers(tc.L)
		if tc.err != "" {
			assert.ErrorContains(t, err, tc.err, "%s for %d", tc.acts, tc.L)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tc.want, got, "%s for %d", tc.acts, tc.L)
	}
}

func TestNetSpecValidate(t *testing.T) {
	ok := NetSpec{Sizes: []int{4, 3, 2}, Acts: []Activation{Tanh, Softmax}, Cost: LogLikelihood}
	require.NoError(t, ok.Validate())
	for _, tc := range []struct {
		name string
		edit func(*NetSpec)
		want string
	}{
		{"one size", func(s *NetSpec) { s.Sizes, s.Acts = []int{4}, nil }, "at least an input and an output size"},
		{"zero size", func(s *NetSpec) { s.Sizes[1] = 0 }, "n1 = 0"},
		{"acts count", func(s *NetSpec) { s.Acts = s.Acts[:1] }, "1 activations for 2 layers"},
		{"softmax hidden", func(s *NetSpec) { s.Acts[0] = Softmax }, "softmax on hidden layer 1"},
		{"softmax one output", func(s *NetSpec) { s.Sizes[2] = 1 }, "softmax over 1 output"},
		{"cross-entropy relu", func(s *NetSpec) { s.Acts[1], s.Cost = ReLU, CrossEntropy }, "cross-entropy needs outputs in (0,1)"},
		{"bad init", func(s *NetSpec) { s.Init = Init(42) }, "init(42) has no name"},
	} {
		s := ok
		s.Sizes = append([]int(nil), ok.Sizes...)
		s.Acts = append([]Activation(nil), ok.Acts...)
		tc.edit(&s)
		assert.ErrorContains(t, s.Validate(), tc.want, tc.name)
	}
}

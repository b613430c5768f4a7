package derive

import (
	"math"
	"math/cmplx"
	"strings"
)

// Activation is a layer's activation function f: one row of activations,
// which holds everything about it that check, formula, train, curvature,
// the plots and the docs ask. To add an activation, add a constant here
// and its row below; TestEveryActivation walks every row through every
// consumer, so a row that lacks a property fails a test.
type Activation int

const (
	Sigmoid Activation = iota
	Tanh
	ReLU
	LeakyReLU // slope 0.01 for z < 0
	Softplus
	Identity
	ELU  // α = 1: z for z > 0, e^z − 1 below
	GELU // the tanh approximation: ½ z (1 + tanh √(2/π)(z + 0.044715 z³))
	// Softmax is not elementwise: a_k = e^{z_k} / Σ_j e^{z_j} over one
	// example's outputs. Only allowed on the output layer.
	Softmax
)

// activationRow is everything about one activation.
type activationRow struct {
	name      string   // the CLI's and JSON's word
	spellings []string // the formula language's names; the first is how explanations write it
	// f, f′ and f in complex arithmetic, for an elementwise f. complexF
	// must stay analytic (see complex.go): where f branches, it branches
	// on Re z, the unperturbed value.
	f, prime func(z float64) float64
	complexF func(z complex128) complex128
	// primeOfA is f′ written in a = f(z), where it is a function of a alone
	// (σ′ = a(1−a), tanh′ = 1−a²): train's fast path needs no second exp.
	// nil where it is not.
	primeOfA func(a float64) float64
	// vector is f over one example's units, for an f that is not
	// elementwise (softmax); nil for an elementwise f.
	vector *vectorActivation
	kinked bool // f′ jumps at z = 0, where prime takes the left derivative
	// bounded: |f(z)| stays below a constant, so activations cannot grow
	// without limit from layer to layer when a step overshoots.
	bounded bool
	// unitOutputs: every a lies in (0,1), so a cost may take ln a and ln(1−a).
	unitOutputs bool
	// saturation is the |z| past which a unit counts as saturated, as a
	// multiple of the sigmoid's threshold (train.Config.Saturation): f′
	// there is as small as σ′ past the threshold. 0: f does not saturate
	// on both sides.
	saturation float64
}

// vectorActivation is an activation over one example's units at once.
type vectorActivation struct {
	activate        func(a, z []float64)
	backStep        func(delta, g, z, a []float64)
	complexActivate func(a, z []complex128)
}

// leakySlope is leaky-relu's slope for z < 0.
const leakySlope = 0.01

var activationRows = [...]activationRow{
	Sigmoid: {
		name: "sigmoid", spellings: []string{"sigmoid", "σ"},
		f:        sigmoid,
		prime:    func(z float64) float64 { s := sigmoid(z); return s * (1 - s) }, // σ′(z) = σ(z)(1−σ(z)): at z, not at a
		primeOfA: func(a float64) float64 { return a * (1 - a) },
		complexF: complexSigmoid,
		bounded:  true, unitOutputs: true, saturation: 1,
	},
	Tanh: {
		name: "tanh", spellings: []string{"tanh"},
		f:        math.Tanh,
		prime:    func(z float64) float64 { t := math.Tanh(z); return 1 - t*t },
		primeOfA: func(a float64) float64 { return 1 - a*a },
		complexF: complexTanh,
		// tanh z = 2σ(2z) − 1: at z it is as saturated as σ at 2z.
		bounded: true, saturation: 0.5,
	},
	ReLU: {
		name: "relu", spellings: []string{"relu"},
		f: func(z float64) float64 { return math.Max(z, 0) },
		prime: func(z float64) float64 {
			if z > 0 {
				return 1
			}
			return 0
		},
		complexF: func(z complex128) complex128 {
			if real(z) > 0 {
				return z
			}
			return 0
		},
		kinked: true,
	},
	LeakyReLU: {
		name: "leaky-relu", spellings: []string{"leaky_relu"},
		f: func(z float64) float64 {
			if z < 0 {
				return leakySlope * z
			}
			return z
		},
		prime: func(z float64) float64 {
			if z > 0 {
				return 1
			}
			return leakySlope
		},
		complexF: func(z complex128) complex128 {
			if real(z) > 0 {
				return z
			}
			return leakySlope * z
		},
		kinked: true,
	},
	Softplus: {
		name: "softplus", spellings: []string{"softplus"},
		f: func(z float64) float64 {
			// ln(1+e^z) without overflow for large z.
			if z > 0 {
				return z + math.Log1p(math.Exp(-z))
			}
			return math.Log1p(math.Exp(z))
		},
		prime: sigmoid,
		complexF: func(z complex128) complex128 {
			// ln(1+e^z) = z + ln(1+e^{−z}), as f does, without overflow.
			if real(z) > 0 {
				return z + complexLog1p(cmplx.Exp(-z))
			}
			return complexLog1p(cmplx.Exp(z))
		},
	},
	Identity: {
		name: "identity", spellings: []string{"identity"},
		f:        func(z float64) float64 { return z },
		prime:    func(float64) float64 { return 1 },
		primeOfA: func(float64) float64 { return 1 },
		complexF: func(z complex128) complex128 { return z },
	},
	ELU: {
		// Clevert, Unterthiner and Hochreiter's exponential linear unit
		// with α = 1, PyTorch's default: f′ = e^z meets 1 at z = 0, so
		// f′ is continuous there and f has no kink.
		name: "elu", spellings: []string{"elu"},
		f: func(z float64) float64 {
			if z > 0 {
				return z
			}
			return math.Expm1(z)
		},
		prime: func(z float64) float64 {
			if z > 0 {
				return 1
			}
			return math.Exp(z)
		},
		complexF: func(z complex128) complex128 {
			if real(z) > 0 {
				return z
			}
			return complexExpm1(z)
		},
	},
	GELU: {
		// Hendrycks and Gimpel's Gaussian error linear unit z Φ(z) in its
		// tanh approximation (GPT-2's and BERT's; PyTorch's
		// gelu(approximate='tanh')), not the exact erf form: the complex
		// step needs f analytic in complex arithmetic, and Go has no
		// complex erf. With 1 + tanh u = 2σ(2u) it is written
		//
		//	f(z)  = z σ(2u),  u = √(2/π)(z + 0.044715 z³)
		//	f′(z) = σ(2u) + z σ(2u) σ(−2u) · 2√(2/π)(1 + 3·0.044715 z²)
		//
		// which loses nothing where 1 + tanh u cancels (z ≪ 0), nor where
		// 1 − σ(2u) would (z ≫ 0).
		name: "gelu", spellings: []string{"gelu", "gelu_tanh"},
		f: func(z float64) float64 { return z * sigmoid(2*geluU(z)) },
		prime: func(z float64) float64 {
			w := 2 * geluU(z)
			s := sigmoid(w)
			return s + z*s*sigmoid(-w)*2*geluC*(1+3*geluK*z*z)
		},
		complexF: func(z complex128) complex128 {
			return z * complexSigmoid(2*complex(geluC, 0)*(z+complex(geluK, 0)*z*z*z))
		},
	},
	Softmax: {
		name: "softmax", spellings: []string{"softmax"},
		vector:  &vectorActivation{activate: softmax, backStep: softmaxBack, complexActivate: complexSoftmax},
		bounded: true, unitOutputs: true,
	},
}

// Activations lists every activation.
var Activations = func() []Activation {
	list := make([]Activation, len(activationRows))
	for i := range list {
		list[i] = Activation(i)
	}
	return list
}()

var activationNames = func() []string {
	names := make([]string, len(activationRows))
	for i, r := range activationRows {
		names[i] = r.name
	}
	return names
}()

func (a Activation) row() *activationRow {
	if a < 0 || int(a) >= len(activationRows) {
		panic("derive: no " + a.String())
	}
	return &activationRows[a]
}

func (a Activation) String() string { return nameOf(activationNames, int(a), "activation") }

// ParseActivation returns the activation named s.
func ParseActivation(s string) (Activation, error) {
	return parseName("activation", Activations, activationNames, s)
}

// Elementwise reports whether f acts on each z separately, so that f′ is a
// diagonal Jacobian and the Hadamard form ∇_A C ⊙ f′(Z) is right. An f
// that is not (softmax) is only allowed on the output layer.
func (a Activation) Elementwise() bool { return a.row().vector == nil }

// Kinked reports whether f′ jumps at z = 0, where finite differences that
// straddle the kink disagree with either one-sided derivative.
func (a Activation) Kinked() bool { return a.row().kinked }

// Bounded reports whether |f| stays below a constant. Unbounded
// activations (relu, the identity, …) let activations and gradients grow
// with every layer once a step overshoots.
func (a Activation) Bounded() bool { return a.row().bounded }

// UnitOutputs reports whether every output lies in (0,1), as a cost that
// takes ln a needs.
func (a Activation) UnitOutputs() bool { return a.row().unitOutputs }

// Saturation is the |z| past which a unit of a counts as saturated, for
// the sigmoid's threshold sigmoid; 0 for an activation that does not
// saturate on both sides.
func (a Activation) Saturation(sigmoid float64) float64 { return sigmoid * a.row().saturation }

// Spellings are a's names in the formula language; each is also written
// with a prime (sigmoid', sigmoid_prime) for f′. The first is how
// explanations write it.
func (a Activation) Spellings() []string { return a.row().spellings }

// PrimeOfOutput returns f′ as a function of a = f(z) where f′ is one
// (σ′ = a(1−a), tanh′ = 1−a²), or nil.
func (a Activation) PrimeOfOutput() func(a float64) float64 { return a.row().primeOfA }

// F is the elementwise activation f(z). Softmax is not elementwise: use
// Activate on a whole example instead.
func (a Activation) F(z float64) float64 { return a.elementwise("F").f(z) }

// Prime is f′(z). At relu's kink z = 0 it takes the left derivative, as
// most frameworks do; finite differences there are reported as kinks.
func (a Activation) Prime(z float64) float64 { return a.elementwise("Prime").prime(z) }

func (a Activation) elementwise(what string) *activationRow {
	r := a.row()
	if r.vector != nil {
		panic("derive: " + what + " of non-elementwise activation " + a.String())
	}
	return r
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// gelu's constants: u = geluC (z + geluK z³).
var geluC = math.Sqrt(2 / math.Pi)

const geluK = 0.044715

func geluU(z float64) float64 { return geluC * (z + geluK*z*z*z) }

// Activate sets a = f(z) for one example's pre-activations z.
func (act Activation) Activate(a, z []float64) {
	r := act.row()
	if r.vector != nil {
		r.vector.activate(a, z)
		return
	}
	f := r.f
	for k, zk := range z {
		a[k] = f(zk)
	}
}

// BackStep sets δ = ∂C/∂z for one example from g = ∂C/∂a. Elementwise f
// has a diagonal Jacobian, so δ = g ⊙ f′(z); softmax goes through its
// Jacobian (softmaxBack).
func (act Activation) BackStep(delta, g, z, a []float64) {
	r := act.row()
	if r.vector != nil {
		r.vector.backStep(delta, g, z, a)
		return
	}
	fp := r.prime
	for k := range delta {
		delta[k] = g[k] * fp(z[k])
	}
}

// softmax sets a_k = e^{z_k − max z} / Σ_j e^{z_j − max z} (subtracting
// max z changes nothing mathematically and avoids overflow).
func softmax(a, z []float64) {
	top := math.Inf(-1)
	for _, zk := range z {
		top = math.Max(top, zk)
	}
	var sum float64
	for k, zk := range z {
		a[k] = math.Exp(zk - top)
		sum += a[k]
	}
	for k := range a {
		a[k] /= sum
	}
}

// softmaxBack sets δ = J g for softmax's Jacobian J = diag(a) − a aᵀ
// (symmetric):
//
//	δ = J g = a ⊙ (g − (aᵀg)·1)
//
// The Hadamard form g ⊙ f′(z) with an "elementwise softmax′" a(1−a) is
// wrong: it drops every off-diagonal term −a_k a_j.
func softmaxBack(delta, g, _, a []float64) {
	var ag float64
	for k := range a {
		ag += a[k] * g[k]
	}
	for k := range delta {
		delta[k] = a[k] * (g[k] - ag)
	}
}

// UnitOutputNames lists the activations whose outputs lie in (0,1), for
// messages: "a sigmoid or softmax".
func UnitOutputNames() string {
	var names []string
	for _, a := range Activations {
		if a.UnitOutputs() {
			names = append(names, a.String())
		}
	}
	return "a " + strings.Join(names, " or ")
}

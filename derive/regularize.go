package derive

import (
	"strings"

	"github.com/backproof/backproof/internal/printf"
	"gonum.org/v1/gonum/mat"
)

// L2 is weight decay, a term added to the cost over the weights only:
//
//	C = C₀ + (λ / (2N)) Σ_ℓ ‖W^ℓ‖²_F,   so   ∂C/∂W^ℓ = ∂C₀/∂W^ℓ + (λ/N) W^ℓ
//
// and ∂C/∂b^ℓ = ∂C₀/∂b^ℓ: the biases are not regularized. N is what the
// course divides λ by: Nielsen's n (the training set's size, chapter 3's
// λ/(2n) Σ w²), Ng's m (the batch, compute_cost_with_regularization's
// λ/(2m)), or 1 for a summed cost. The zero value is no term at all.
type L2 struct {
	Lambda float64 // λ ≥ 0
	// N divides λ; zero means the reduction's: m for a mean cost, as both
	// courses write it for their batch, and 1 for a sum.
	N int
}

// On reports whether the term is there (λ ≠ 0).
func (r L2) On() bool { return r.Lambda != 0 }

// Divisor is N for a batch of m examples under reduction red.
func (r L2) Divisor(red Reduction, m int) int {
	switch {
	case r.N != 0:
		return r.N
	case red == Mean:
		return m
	}
	return 1
}

// Coeff is λ/N for a batch of m examples under reduction red: the factor of
// W^ℓ in ∂C/∂W^ℓ.
func (r L2) Coeff(red Reduction, m int) float64 {
	if !r.On() {
		return 0
	}
	return r.Lambda / float64(r.Divisor(red, m))
}

// Term writes the term as the docs write it, with λ and N as numbers, for
// a batch of m examples under reduction red:
// "+ (0.7/(2·5)) Σ_ℓ ‖W^ℓ‖²  (λ = 0.7, N = m = 5)".
func (r L2) Term(red Reduction, m int) string {
	if !r.On() {
		return ""
	}
	N := r.Divisor(red, m)
	why := printf.Sprintf("N = %d as given", N)
	switch {
	case r.N == 0 && red == Mean:
		why = printf.Sprintf("N = m = %d, the default for a mean cost", N)
	case r.N == 0:
		why = "N = 1, the default for a summed cost"
	}
	return printf.Sprintf("+ (%g/(2·%d)) Σ_ℓ ‖W^ℓ‖² over the weights only (λ = %g, %s)", r.Lambda, N, r.Lambda, why)
}

// Regularization describes n's L2 term and dropout layers on a batch of m
// examples in one line, or returns "" for a net with neither:
// "C = C₀ + (0.7/(2·5)) Σ_ℓ ‖W^ℓ‖² …; dropout A^ℓ = (D^ℓ ⊙ f(Z^ℓ))/p, p = 0.8 on layers 1, 2".
func (n *Net) Regularization(m int) string {
	var parts []string
	if n.L2.On() {
		parts = append(parts, "C = C₀ "+n.L2.Term(n.Reduction, m))
	}
	var layers []string
	keeps := map[float64]bool{}
	var keep []string
	for i, l := range n.Layers {
		if l.Drop != nil {
			layers = append(layers, printf.Sprint(i+1))
			if !keeps[l.Drop.Keep] {
				keeps[l.Drop.Keep] = true
				keep = append(keep, printf.Sprintf("%g", l.Drop.Keep))
			}
		}
	}
	if len(layers) > 0 {
		parts = append(parts, printf.Sprintf("inverted dropout A^ℓ = (D^ℓ ⊙ f(Z^ℓ))/p with the masks D^ℓ fixed, p = %s on %s",
			strings.Join(keep, ", "), plural("layer", layers)))
	}
	return strings.Join(parts, "; ")
}

// Penalty is the L2 term (λ/(2N)) Σ_ℓ ‖W^ℓ‖²_F of n on a batch of m
// examples; 0 without one.
func (n *Net) Penalty(m int) float64 {
	c := n.L2.Coeff(n.Reduction, m)
	if c == 0 {
		return 0
	}
	var s float64
	for _, l := range n.Layers {
		for _, w := range l.W.RawMatrix().Data {
			s += w * w
		}
	}
	return c / 2 * s
}

// addDecay adds (λ/N) W to dW: the L2 term's part of ∂C/∂W^ℓ.
func addDecay(dW *mat.Dense, c float64, W *mat.Dense) {
	if c != 0 {
		dW.Add(dW, scaledCopy(c, W))
	}
}

func scaledCopy(c float64, M *mat.Dense) *mat.Dense {
	var out mat.Dense
	out.Scale(c, M)
	return &out
}

// Dropout is inverted dropout on a hidden layer, with its masks fixed so
// that the cost is a function of the parameters that can be differentiated
// and checked:
//
//	A^ℓ = (D^ℓ ⊙ f(Z^ℓ)) / p
//
// D^ℓ holds 0 (dropped) or 1 (kept) for each unit of each example, shaped
// like A^ℓ in the net's convention (m×n_ℓ in Row, n_ℓ×m in Column and
// PerExample), and p is the keep probability. Backward, the same mask and
// the same p come back: ∂C/∂Z^ℓ = ((D^ℓ ⊙ ∂C/∂A^ℓ) / p) ⊙ f′(Z^ℓ).
type Dropout struct {
	Keep float64    // p, in (0, 1]
	Mask *mat.Dense // D^ℓ, 0s and 1s
}

// drop applies D/p to A in place (A^ℓ = D^ℓ ⊙ A / p); a nil d leaves A
// alone. It is also the backward step's (D^ℓ ⊙ ∂C/∂A^ℓ) / p.
func (d *Dropout) drop(A *mat.Dense) *mat.Dense {
	if d != nil {
		A.MulElem(A, d.Mask)
		A.Scale(1/d.Keep, A)
	}
	return A
}

// dropped is drop on a copy: the next layer's ∂C/∂A^ℓ is kept in the
// Trace as it came back, and the mask applied to a copy of it.
func (d *Dropout) dropped(A *mat.Dense) *mat.Dense {
	if d == nil {
		return A
	}
	return d.drop(mat.DenseCopyOf(A))
}

// factor is D^ℓ/p for unit k of example x (1 without dropout), in the
// layout of a column convention when col.
func (d *Dropout) factor(col bool, k, x int) float64 {
	if d == nil {
		return 1
	}
	if col {
		return d.Mask.At(k, x) / d.Keep
	}
	return d.Mask.At(x, k) / d.Keep
}

// Kept reports whether unit k of example x is kept (D^ℓ = 1) in convention c.
func (d *Dropout) Kept(c Convention, k, x int) bool {
	if c.ColumnLayout() {
		return d.Mask.At(k, x) == 1
	}
	return d.Mask.At(x, k) == 1
}

// Factor is D^ℓ/p for unit k of example x, whatever the layout (1 for a
// layer without dropout): what multiplies f(z^ℓ_kx) in A^ℓ.
func (l Layer) Factor(c Convention, k, x int) float64 {
	return l.Drop.factor(c.ColumnLayout(), k, x)
}

// Regularized reports whether n has an L2 term or a dropout layer.
func (n *Net) Regularized() bool {
	if n.L2.On() {
		return true
	}
	for _, l := range n.Layers {
		if l.Drop != nil {
			return true
		}
	}
	return false
}

// checkDropout panics on a mask that does not fit the batch of m examples,
// on dropout of the output layer, and on a keep probability outside (0, 1]
// (user input is validated with helpful errors before this).
func (n *Net) checkDropout(m int) {
	sizes := n.Sizes()
	for i, l := range n.Layers {
		d := l.Drop
		if d == nil {
			continue
		}
		if i == len(n.Layers)-1 {
			panic("derive: dropout on the output layer")
		}
		if !(d.Keep > 0 && d.Keep <= 1) {
			panic(printf.Sprintf("derive: layer %d keeps with probability %g", i+1, d.Keep))
		}
		r, c := d.Mask.Dims()
		wr, wc := m, sizes[i+1]
		if n.Convention.ColumnLayout() {
			wr, wc = wc, wr
		}
		if r != wr || c != wc {
			panic(printf.Sprintf("derive: layer %d's mask is %d×%d, A%d is %d×%d", i+1, r, c, i+1, wr, wc))
		}
	}
}

// plural is "layer 1" or "layers 1, 2".
func plural(word string, list []string) string {
	if len(list) == 1 {
		return word + " " + list[0]
	}
	return word + "s " + strings.Join(list, ", ")
}

package curvature

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Spectrum is what k Lanczos iterations learn about the eigenvalues of a
// symmetric operator H.
type Spectrum struct {
	Min, Max   float64   // the extreme Ritz values: estimates of λmin(H), λmax(H)
	Ritz       []float64 // every eigenvalue of the tridiagonal T_k, ascending
	Iterations int       // iterations run: k, or fewer if a Krylov space closed
	// MinVector and MaxVector are the unit Ritz vectors of Min and Max,
	// Q_k s for the eigenvectors s of T_k: estimates of the directions
	// along which the cost curves least and most.
	MinVector, MaxVector []float64
}

// Lanczos runs k iterations of the Lanczos method on the symmetric n×n
// operator given by hv (hv(dst, v) sets dst = H v and must not keep v or
// dst) from a random unit start vector drawn from rng:
//
//	w = H q_j − β_{j−1} q_{j−1},  α_j = q_jᵀ w,  w ← w − α_j q_j,
//	β_j = ‖w‖,                     q_{j+1} = w / β_j,
//
// with w orthogonalised again against every earlier q (full
// reorthogonalisation: k vectors of length n are kept, which is what keeps
// the Ritz values honest in floating point). The eigenvalues of the k×k
// tridiagonal matrix T_k = tridiag(β, α, β), computed by mat.EigenSym, are
// the Ritz values; the extreme ones converge first, to λmin(H) and λmax(H)
// from inside the spectrum. If β_j vanishes (relative to the largest α or β
// seen, or exactly, as for H = 0) the Krylov space is invariant and the Ritz
// values are exact eigenvalues; Lanczos then stops early. k is capped at n.
func Lanczos(hv func(dst, v []float64), n, k int, rng *rand.Rand) Spectrum {
	if n < 1 || k < 1 {
		panic("curvature: Lanczos needs n ≥ 1 and k ≥ 1")
	}
	k = min(k, n)
	q := make([][]float64, 0, k)
	start := make([]float64, n)
	for i := range start {
		start[i] = rng.NormFloat64()
	}
	floats.Scale(1/floats.Norm(start, 2), start)
	q = append(q, start)
	var alpha, beta []float64
	w := make([]float64, n)
	scale := 0.0
	for j := 0; j < k; j++ {
		hv(w, q[j])
		if j > 0 {
			floats.AddScaled(w, -beta[j-1], q[j-1])
		}
		a := floats.Dot(q[j], w)
		alpha = append(alpha, a)
		floats.AddScaled(w, -a, q[j])
		// Twice is enough (Kahan's "twice is enough" for Gram–Schmidt).
		for range 2 {
			for _, qi := range q {
				floats.AddScaled(w, -floats.Dot(qi, w), qi)
			}
		}
		b := floats.Norm(w, 2)
		scale = math.Max(scale, math.Max(math.Abs(a), b))
		if j == k-1 || b <= 1e-12*scale || b == 0 {
			break
		}
		beta = append(beta, b)
		next := make([]float64, n)
		floats.ScaleTo(next, 1/b, w)
		q = append(q, next)
	}
	m := len(alpha)
	T := mat.NewSymDense(m, nil)
	for i := range m {
		T.SetSym(i, i, alpha[i])
		if i+1 < m {
			T.SetSym(i, i+1, beta[i])
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(T, true) {
		// EigenSym fails only on NaN or Inf in T, i.e. in H v.
		nan := math.NaN()
		return Spectrum{Min: nan, Max: nan, Iterations: m}
	}
	ritz := eig.Values(nil)
	var S mat.Dense
	eig.VectorsTo(&S)
	ritzVector := func(col int) []float64 {
		v := make([]float64, n)
		for j := range m {
			floats.AddScaled(v, S.At(j, col), q[j])
		}
		if norm := floats.Norm(v, 2); norm > 0 {
			floats.Scale(1/norm, v)
		}
		return v
	}
	return Spectrum{Min: ritz[0], Max: ritz[m-1], Ritz: ritz, Iterations: m,
		MinVector: ritzVector(0), MaxVector: ritzVector(m - 1)}
}

// HessVec returns the Hessian-vector product of the function whose gradient
// grad computes (grad(dst, θ) sets dst = ∇f(θ)), at the point θ, by central
// differences of the gradient:
//
//	H v ≈ (∇f(θ + εv) − ∇f(θ − εv)) / (2ε),    ε = step / ‖v‖
//
// so the step in parameter space has length step whatever v's length. The
// error is O(step²) from the third derivatives plus O(u‖∇f‖/step) from
// rounding (u = 2⁻⁵³). θ is copied: the returned function never changes it,
// and neither does grad see the caller's slice.
func HessVec(grad func(dst, θ []float64), θ []float64, step float64) func(dst, v []float64) {
	n := len(θ)
	at := make([]float64, n)
	plus, minus := make([]float64, n), make([]float64, n)
	θ0 := append([]float64(nil), θ...)
	return func(dst, v []float64) {
		norm := floats.Norm(v, 2)
		if norm == 0 {
			clear(dst)
			return
		}
		eps := step / norm
		floats.AddScaledTo(at, θ0, eps, v)
		grad(plus, at)
		floats.AddScaledTo(at, θ0, -eps, v)
		grad(minus, at)
		for i := range dst {
			dst[i] = (plus[i] - minus[i]) / (2 * eps)
		}
	}
}

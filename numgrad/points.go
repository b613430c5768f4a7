package numgrad

// Points returns the offsets t at which method m with step h evaluates f,
// f(x + t·e_i): 0 first when the method uses f(x) itself. It is the
// stencil the layer-aware path evaluates, so that a caller asking where
// the evaluations fall (does a relu kink lie between them?) asks the same
// stencil and keeps no table of its own. Points panics for ComplexStep,
// which evaluates at one complex point.
func Points(m Method, h float64) []float64 {
	st := newStencil(m, h)
	var out []float64
	if st.origin {
		out = append(out, 0)
	}
	for _, p := range st.points {
		out = append(out, p.loc*p.step)
	}
	return out
}

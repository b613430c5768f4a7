package formula

import (
	"strings"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/internal/printf"
)

// standard is the convention's own formula for a target, in the language,
// with the shapes it multiplies: what a shape error is measured against.
func (p *oracle) standard(info nameInfo) string {
	ℓ, L := info.layer, p.L
	m := "m"
	if p.d.perEx {
		m = "1"
	}
	row := p.d.conv == rowLayout
	fp := func(k int) string { return printf.Sprintf("%s'(Z%d)", langName(p.acts[k-1]), k) }
	a := func(k int) string { // A0 is X
		if k == 0 {
			return "X"
		}
		return printf.Sprintf("A%d", k)
	}
	switch info.kind {
	case nkZ:
		if row {
			return printf.Sprintf("Z%d = %s @ W%d + b%d: (m×n%d) @ (n%d×n%d) = m×n%d, b%d broadcast down the rows", ℓ, a(ℓ-1), ℓ, ℓ, ℓ-1, ℓ-1, ℓ, ℓ, ℓ)
		}
		return printf.Sprintf("Z%d = W%d @ %s + b%d: (n%d×n%d) @ (n%d×%s) = n%d×%s, b%d broadcast along the columns", ℓ, ℓ, a(ℓ-1), ℓ, ℓ, ℓ-1, ℓ-1, m, ℓ, m, ℓ)
	case nkA:
		if !p.acts[ℓ-1].Elementwise() {
			axis := 0
			if row {
				axis = 1
			}
			return printf.Sprintf("A%d = softmax(Z%d, %d)", ℓ, ℓ, axis)
		}
		return printf.Sprintf("A%d = %s(Z%d)", ℓ, langName(p.acts[ℓ-1]), ℓ)
	case nkDW:
		if row {
			return printf.Sprintf("dW%d = %sᵀ @ dZ%d: (n%d×m) @ (m×n%d) = n%d×n%d, the shape of W%d", ℓ, a(ℓ-1), ℓ, ℓ-1, ℓ, ℓ-1, ℓ, ℓ)
		}
		bp := ""
		if p.d.perEx {
			bp = " (BP4)"
		}
		return printf.Sprintf("dW%d = dZ%d @ %sᵀ%s: (n%d×%s) @ (%s×n%d) = n%d×n%d, the shape of W%d", ℓ, ℓ, a(ℓ-1), bp, ℓ, m, m, ℓ-1, ℓ, ℓ-1, ℓ)
	case nkDB:
		switch {
		case row:
			return printf.Sprintf("db%d = sum(dZ%d, 0): each unit's δ summed down the m rows, 1×n%d like b%d", ℓ, ℓ, ℓ, ℓ)
		case p.d.perEx:
			return printf.Sprintf("db%d = dZ%d (BP3): n%d×1 like b%d", ℓ, ℓ, ℓ, ℓ)
		}
		return printf.Sprintf("db%d = sum(dZ%d, 1): each unit's δ summed along the m columns, n%d×1 like b%d", ℓ, ℓ, ℓ, ℓ)
	case nkDA:
		if ℓ == L {
			return printf.Sprintf("dA%d = %s", ℓ, p.costGrad())
		}
		if row {
			return printf.Sprintf("dA%d = dZ%d @ W%dᵀ: (m×n%d) @ (n%d×n%d) = m×n%d", ℓ, ℓ+1, ℓ+1, ℓ+1, ℓ+1, ℓ, ℓ)
		}
		return printf.Sprintf("dA%d = W%dᵀ @ dZ%d: (n%d×n%d) @ (n%d×%s) = n%d×%s", ℓ, ℓ+1, ℓ+1, ℓ, ℓ+1, ℓ+1, m, ℓ, m)
	case nkDZ:
		if ℓ == L {
			return printf.Sprintf("dZ%d = %s", ℓ, p.outputDelta())
		}
		bp := ""
		if p.d.perEx {
			bp = " (BP2)"
		}
		if row {
			return printf.Sprintf("dZ%d = (dZ%d @ W%dᵀ) ⊙ %s: (m×n%d) @ (n%d×n%d) = m×n%d", ℓ, ℓ+1, ℓ+1, fp(ℓ), ℓ+1, ℓ+1, ℓ, ℓ)
		}
		return printf.Sprintf("dZ%d = (W%dᵀ @ dZ%d) ⊙ %s%s: (n%d×n%d) @ (n%d×%s) = n%d×%s", ℓ, ℓ+1, ℓ+1, fp(ℓ), bp, ℓ, ℓ+1, ℓ+1, m, ℓ, m)
	}
	return ""
}

// langName is an activation as the formula language spells it.
func langName(a derive.Activation) string { return a.Spellings()[0] }

// reduced appends the mean's 1/m, which per-example targets do not carry.
func (p *oracle) reduced(s string) string {
	if p.net.Reduction == derive.Mean && !p.d.perEx {
		return "(" + s + ") / m"
	}
	return s
}

// costGrad is ∂C/∂A^L for the cost, in the language (each cost's row
// has its ∂C_x/∂a, so that every cost and output activation pair has an
// explanation: a test walks them all).
func (p *oracle) costGrad() string {
	g, _ := p.net.Cost.GradFormula(printf.Sprintf("A%d", p.L))
	return p.reduced(g)
}

// outputDelta is δ^L for the cost and the output activation (BP1).
func (p *oracle) outputDelta() string {
	L := p.L
	act := p.acts[L-1]
	bp := ""
	if p.d.perEx {
		bp = " (BP1)"
	}
	switch {
	case p.net.Cost.CancelsWith(act):
		return p.reduced(printf.Sprintf("A%d - Y", L)) + bp + printf.Sprintf(": f′ cancels for %v with %v", act, p.net.Cost)
	case !act.Elementwise():
		axis := 0
		if p.d.conv == rowLayout {
			axis = 1
		}
		return printf.Sprintf("A%d * (dA%d - sum(A%d * dA%d, %d))%s: softmax's Jacobian applied to dA%d, not a Hadamard product", L, L, L, L, axis, bp, L)
	}
	g, product := p.net.Cost.GradFormula(printf.Sprintf("A%d", L))
	if !product { // a quotient already multiplies left to right
		g = "(" + g + ")"
	}
	return p.reduced(printf.Sprintf("%s * %s'(Z%d)", g, langName(act), L)) + bp
}

// message is a target line's explanation for people.
func (c *checker) message(info nameInfo, r LineResult, j judgement, dropped bool, want Shape, out lineOut) string {
	p := c.p
	conv := p.net.Convention
	name := info.canonical()
	var b strings.Builder
	switch {
	case j.err != nil && j.err.Kind == KindShape:
		printf.Fprintf(&b, "%s. In the %v convention %s.", j.err.Msg, conv, p.standard(info))
	case j.err != nil:
		b.WriteString(j.err.Msg + ".")
	case r.Status == ShapeError:
		got := out.v.S
		printf.Fprintf(&b, "%s is %s but must be %s", name, got, want)
		what := map[nameKind]string{nkDW: printf.Sprintf(", the shape of W%d", info.layer), nkDB: printf.Sprintf(", the shape of b%d", info.layer),
			nkDZ: printf.Sprintf(", the shape of Z%d", info.layer), nkDA: printf.Sprintf(", the shape of A%d", info.layer)}[info.kind]
		printf.Fprintf(&b, "%s in the %v convention: %s.", what, conv, p.standard(info))
		for _, m := range r.Mistakes {
			printf.Fprintf(&b, " %s.", m.Message)
		}
	case r.Status == Correct && j.matched == 3:
		printf.Fprintf(&b, "Correct as a stage of dropout's backward pass: this is ∂C/∂%s with layer %d's mask D%d applied (and divided by keep_prob once that line has run), what dZ%d is built from; the mask and the 1/p of the forward pass come back here.", name[1:], info.layer, info.layer, info.layer)
	case r.Status == Correct && j.matched == 2 && !p.d.perEx:
		printf.Fprintf(&b, "Correct in the unreduced scale: this is ∂(Σ_x C_x)/∂%s = m·∂C/∂%s, without the mean's 1/m yet. That is fine as long as dW and db divide by m.", name[1:], name[1:])
	case r.Status == Correct && j.matched == 2:
		printf.Fprintf(&b, "Correct in the reduced scale: this is ∂C_x/∂%s / m, each example's share of the mean. The per-example form leaves the 1/m to the update, so dW and db built from it must not divide by m again.", strings.ToLower(name[1:]))
	case r.Status == Correct && info.forward():
		printf.Fprintf(&b, "Correct: equals the forward pass's %s.", name)
	case info.forward():
		printf.Fprintf(&b, "Wrong (max relative error %.3g): in the %v convention the forward pass is %s; the lines below that read %s get your value.", j.rel, conv, p.standard(info), name)
	case r.Status == Correct && p.d.perEx:
		printf.Fprintf(&b, "Correct: equals each example's own ∂C_x/∂%s.", strings.ToLower(name[1:]))
	case r.Status == Correct:
		printf.Fprintf(&b, "Correct: equals ∂C/∂%s.", name[1:])
	case len(r.Mistakes) > 0:
		printf.Fprintf(&b, "Wrong (max relative error %.3g):", j.rel)
		for _, m := range r.Mistakes {
			printf.Fprintf(&b, " %s.", m.Message)
		}
		if dropped {
			b.WriteString(" (It is also in the unreduced scale, without the mean's 1/m, which is fine for a dZ or dA line.)")
		}
	default:
		printf.Fprintf(&b, "Wrong (max relative error %.3g); no classic mistake (1/m, a factor 2, the sign, a transposition, the bias sum, f′ at A or left out, softmax's Hadamard form), alone or combined, reproduces this value. In the %v convention %s.", j.rel, conv, p.standard(info))
	}
	return b.String()
}

package compare

import (
	"strconv"
	"strings"

	"github.com/backproof/backproof/internal/printf"
)

// Band is the band of CS231n's reading that a maximum relative error falls
// in, the first ("good") ending at the method's own tolerance, so that the
// words and pass/fail come from one threshold. Its word is the "verdict" of
// check's JSON and text.
type Band int

const (
	Good          Band = iota // ≤ Tol: the gradient agrees
	KinksOnly                 // Tol … 1e-4: acceptable only where kinks explain it
	Uncomfortable             // 1e-4 … 1e-2: probably a bug
	Wrong                     // > 1e-2: the gradient is wrong
	NoneJudged                // no entry could be resolved: no relative error to read
)

var bandNames = []string{"good", "acceptable-only-with-kinks", "uncomfortable", "wrong", "cannot-tell"}

func (v Band) String() string {
	if v < 0 || int(v) >= len(bandNames) {
		return printf.Sprintf("band(%d)", int(v))
	}
	return bandNames[v]
}

// The bounds of CS231n's bands of relative error, named once. The first
// band ends at the method's own tolerance (numgrad.Method.Tol, central
// differences' 1e-7 by default).
const (
	// UncomfortableRel: from here a relative error is "uncomfortable",
	// probably a mistake rather than rounding, kinks or the step.
	UncomfortableRel = 1e-4
	// WrongRel: above this the two gradients disagree.
	WrongRel = 1e-2
)

// Sci writes a power of ten as CS231n's notes do: 1e-4, 1e-2.
func Sci(x float64) string {
	return strings.Replace(strconv.FormatFloat(x, 'e', -1, 64), "e-0", "e-", 1)
}

// BandOf reads a maximum relative error against the tolerance tol of
// the method that produced it.
func BandOf(maxRel, tol float64) Band {
	switch {
	case maxRel <= tol:
		return Good
	case maxRel < UncomfortableRel:
		return KinksOnly
	case maxRel <= WrongRel:
		return Uncomfortable
	}
	return Wrong
}

// Explain is the verdict in a sentence for a learner, for a comparison
// at tolerance tol.
func (v Band) Explain(tol float64) string {
	switch v {
	case Good:
		return printf.Sprintf("relative error at most %.3g: the analytic gradient agrees with the numerical one", tol)
	case KinksOnly:
		return printf.Sprintf("relative error between %.3g and %s: acceptable only if kinks (relu at 0) explain it; with smooth activations suspect a small mistake or the step size", tol, Sci(UncomfortableRel))
	case Uncomfortable:
		return printf.Sprintf("relative error between %s and %s: uncomfortable, a mistake in the gradient or a poor step size", Sci(UncomfortableRel), Sci(WrongRel))
	case Wrong:
		return printf.Sprintf("relative error above %s: the two gradients disagree", Sci(WrongRel))
	case NoneJudged:
		return "cannot tell: no entry is large enough for the numerical method to resolve"
	}
	return v.String()
}

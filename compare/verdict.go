package compare

import "fmt"

// Verdict is CS231n's reading of a maximum relative error, with the
// first band ("good") ending at the method's own tolerance, so that the
// verdict's words and pass/fail come from one threshold.
type Verdict int

const (
	Good          Verdict = iota // ≤ Tol: the gradient agrees
	KinksOnly                    // Tol … 1e-4: acceptable only where kinks explain it
	Uncomfortable                // 1e-4 … 1e-2: probably a bug
	Wrong                        // > 1e-2: the gradient is wrong
	CannotTell                   // no entry could be resolved: no relative error to read
)

var verdictNames = []string{"good", "acceptable-only-with-kinks", "uncomfortable", "wrong", "cannot-tell"}

func (v Verdict) String() string {
	if v < 0 || int(v) >= len(verdictNames) {
		return fmt.Sprintf("verdict(%d)", int(v))
	}
	return verdictNames[v]
}

// VerdictOf reads a maximum relative error against the tolerance tol of
// the method that produced it.
func VerdictOf(maxRel, tol float64) Verdict {
	switch {
	case maxRel <= tol:
		return Good
	case maxRel < 1e-4:
		return KinksOnly
	case maxRel <= 1e-2:
		return Uncomfortable
	}
	return Wrong
}

// Explain is the verdict in a sentence for a learner, for a comparison
// at tolerance tol.
func (v Verdict) Explain(tol float64) string {
	switch v {
	case Good:
		return fmt.Sprintf("relative error at most %.3g: the analytic gradient agrees with the numerical one", tol)
	case KinksOnly:
		return fmt.Sprintf("relative error between %.3g and 1e-4: acceptable only if kinks (relu at 0) explain it; with smooth activations suspect a small mistake or the step size", tol)
	case Uncomfortable:
		return "relative error between 1e-4 and 1e-2: uncomfortable, a mistake in the gradient or a poor step size"
	case Wrong:
		return "relative error above 1e-2: the two gradients disagree"
	case CannotTell:
		return "cannot tell: no entry is large enough for the numerical method to resolve"
	}
	return v.String()
}

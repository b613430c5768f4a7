package compare

// Verdict is CS231n's reading of a maximum relative error.
type Verdict int

const (
	Good          Verdict = iota // < 1e-7: the gradient is right
	KinksOnly                    // 1e-7 … 1e-4: acceptable only where kinks explain it
	Uncomfortable                // 1e-4 … 1e-2: probably a bug
	Wrong                        // > 1e-2: the gradient is wrong
)

var verdictNames = []string{"good", "acceptable-only-with-kinks", "uncomfortable", "wrong"}

func (v Verdict) String() string { return verdictNames[v] }

// VerdictOf reads a maximum relative error.
func VerdictOf(maxRel float64) Verdict {
	switch {
	case maxRel < 1e-7:
		return Good
	case maxRel < 1e-4:
		return KinksOnly
	case maxRel <= 1e-2:
		return Uncomfortable
	}
	return Wrong
}

// Explain is the verdict in a sentence for a learner.
func (v Verdict) Explain() string {
	switch v {
	case Good:
		return "relative error below 1e-7: the analytic gradient agrees with finite differences"
	case KinksOnly:
		return "relative error between 1e-7 and 1e-4: acceptable only if kinks (relu at 0) explain it; with smooth activations suspect a small bug or a poor step size"
	case Uncomfortable:
		return "relative error between 1e-4 and 1e-2: uncomfortable, most likely a bug in the gradient"
	}
	return "relative error above 1e-2: the analytic gradient is wrong"
}

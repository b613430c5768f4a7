package formula

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStandardFormulasPass walks every convention × cost × output
// activation and every target's explanation: the formula an explanation
// names has no empty term, and, written as a file, it passes the check on
// that problem (derive's backprop decides, not the explanation's text).
func TestStandardFormulasPass(t *testing.T) {
	bp := regexp.MustCompile(` \(BP\d\)`)
	for _, conv := range derive.Conventions {
		for _, cost := range derive.Costs {
			for _, out := range derive.Activations {
				name := fmt.Sprintf("%v/%v/%v", conv, cost, out)
				p, err := problem.Random(problem.Spec{Convention: conv, Sizes: []int{4, 3, 2}, Batch: 5,
					Acts: []derive.Activation{derive.Tanh, out}, Cost: cost, Reduction: derive.Mean, Init: derive.NormalScaled, Seed: 5})
				if err != nil {
					continue // a pair derive refuses (log-likelihood of a relu output)
				}
				t.Run(name, func(t *testing.T) {
					o := newOracle(p.Net, p.X, p.Y)
					var lines []string
					for _, info := range []nameInfo{{nkZ, 1}, {nkA, 1}, {nkZ, 2}, {nkA, 2}, {nkDA, 2}, {nkDZ, 2}, {nkDW, 2}, {nkDB, 2}, {nkDA, 1}, {nkDZ, 1}, {nkDW, 1}, {nkDB, 1}} {
						s := o.standard(info)
						require.NotEmpty(t, s, "%v", info)
						f := bp.ReplaceAllString(strings.SplitN(s, ": ", 2)[0], "")
						for _, empty := range []string{"( ", " )", "()", "  ", "= *", "* )", "( *", "%!"} {
							assert.NotContains(t, f, empty, "%s", s)
						}
						lines = append(lines, f)
					}
					rep := checkText(t, strings.Join(lines, "\n"), p)
					for _, r := range rep.Results {
						assert.Equal(t, Correct, r.Status, "%s: %s", r.Text, r.Message)
					}
					assert.True(t, rep.Pass)
				})
			}
		}
	}
}

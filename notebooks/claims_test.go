package notebooks_test

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The regularization lesson's prose says what each planted mistake is
// called and how it spreads; its committed outputs must show it, so that
// the prose cannot drift from what the check prints when the lesson is
// run again. Each claim is the prose's, each wanted line the output that
// bears it out.
func TestRegularizationLessonClaims(t *testing.T) {
	raw, err := os.ReadFile("regularization.ipynb")
	require.NoError(t, err)
	var nb notebook
	require.NoError(t, json.Unmarshal(raw, &nb))
	var prose, outs strings.Builder
	for _, c := range nb.Cells {
		if c.CellType == "markdown" {
			prose.WriteString(text(c.Source))
		}
	}
	var out struct {
		Cells []struct {
			Outputs []struct {
				Text json.RawMessage            `json:"text"`
				Data map[string]json.RawMessage `json:"data"`
			} `json:"outputs"`
		} `json:"cells"`
	}
	require.NoError(t, json.Unmarshal(raw, &out))
	for _, c := range out.Cells {
		for _, o := range c.Outputs {
			outs.WriteString(text(o.Text))
			outs.WriteString(text(o.Data["text/markdown"]))
		}
	}
	o := outs.String()
	for claim, shown := range map[string][]string{
		"Your $\\nabla_\\Omega C$ and $\\nabla_\\beta C$, backproof's backpropagation and the finite differences agree": {"PASS: your gradient is right"},
		"is named `l2-lambda-not-divided`":                    {"dW1  max rel error", "l2-lambda-not-divided", "db1  max rel error 0        agrees"},
		"the $\\lambda/m$ gradient":                           {"l2-lambda-over-m", "N = 50000 as given"},
		"a learner who adds one is told so":                   {"db1  max rel error", "bias-regularized", "dW1  max rel error 0        agrees"},
		"layer 3 is above it and agrees":                      {"dW3  max rel error 0        agrees"},
		"backproof says layer 1 *inherits* layer 2's mistake": {"inherits layer 2's mistake", "fix layer 2 first"},
		"layer 1 is $p^2$ times the truth, one $p$ inherited and one its own, and the conclusion says so": {
			"Layer 1 forgot its own 1/p as well: its δ^1 is 0.64 times the truth"},
	} {
		assert.Contains(t, prose.String(), claim)
		for _, s := range shown {
			assert.Contains(t, o, s, "the prose says %q", claim)
		}
	}
	// Layer 2's mask and layer 2's 1/p: dW1 and db1 inherit, in both.
	inherit := regexp.MustCompile(`(?m)^  d[Wb]1 .*inherits layer 2's mistake$`)
	assert.Len(t, inherit.FindAllString(o, -1), 4)
}

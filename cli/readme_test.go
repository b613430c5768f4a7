package cli

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestREADMEQuickStart runs the README's quick start and compares what it
// prints with the README, so that the README cannot drift from the tool.
// Times differ from run to run and are masked.
func TestREADMEQuickStart(t *testing.T) {
	raw, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	readme := string(raw)
	const cmd = "./backproof check --net 4,3,2 --batch 5 --act sigmoid --cost quadratic --reduction mean --convention row --seed 1\n"
	i := strings.Index(readme, cmd)
	require.Positive(t, i, "the README's quick start command")
	j := strings.Index(readme[i:], "prints\n\n```\n")
	require.Positive(t, j)
	block := readme[i+j+len("prints\n\n```\n"):]
	block = block[:strings.Index(block, "```")]

	args := strings.Fields(strings.TrimPrefix(strings.TrimSpace(cmd), "./backproof "))
	code, out, errb := run(t, args...)
	require.Equal(t, 0, code, errb)
	seconds := regexp.MustCompile(`in [0-9.e+-]+ s`)
	assert.Equal(t, seconds.ReplaceAllString(block, "in … s"), seconds.ReplaceAllString(out, "in … s"),
		"README.md's quick start output: update it from the command's output")
}

package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/problem"
	"github.com/spf13/cobra"
)

// netFlags describe a random problem, shared by check and formula.
type netFlags struct {
	net, act, cost, reduction, convention, init string
	batch                                       int
	seed                                        uint64
}

func addNetFlags(cmd *cobra.Command, f *netFlags) {
	fs := cmd.Flags()
	fs.StringVar(&f.net, "net", "4,3,2", "layer sizes n0,n1,…,nL of a random problem")
	fs.IntVar(&f.batch, "batch", 5, "batch size m of a random problem")
	fs.StringVar(&f.act, "act", "sigmoid", "activation: one name for every layer, or a comma list, one per layer ("+names(derive.Activations)+")")
	fs.StringVar(&f.cost, "cost", "quadratic", "cost ("+names(derive.Costs)+")")
	fs.StringVar(&f.reduction, "reduction", "mean", "reduction: sum, or mean (÷ m)")
	fs.StringVar(&f.convention, "convention", "row", "convention ("+names(derive.Conventions)+")")
	fs.StringVar(&f.init, "init", "normal-scaled", "initial weights ("+names(derive.Inits)+")")
	fs.Uint64Var(&f.seed, "seed", 1, "random seed")
}

// spec turns the flags into a problem.Spec, naming the flag that is wrong.
func (f *netFlags) spec() (problem.Spec, error) {
	var s problem.Spec
	var err error
	if s.Sizes, err = parseSizes(f.net); err != nil {
		return s, err
	}
	for _, a := range strings.Split(f.act, ",") {
		act, err := derive.ParseActivation(strings.TrimSpace(a))
		if err != nil {
			return s, fmt.Errorf("--act: %v", err)
		}
		s.Acts = append(s.Acts, act)
	}
	if s.Cost, err = derive.ParseCost(f.cost); err != nil {
		return s, fmt.Errorf("--cost: %v", err)
	}
	if s.Reduction, err = derive.ParseReduction(f.reduction); err != nil {
		return s, fmt.Errorf("--reduction: %v", err)
	}
	if s.Convention, err = derive.ParseConvention(f.convention); err != nil {
		return s, fmt.Errorf("--convention: %v", err)
	}
	if s.Init, err = derive.ParseInit(f.init); err != nil {
		return s, fmt.Errorf("--init: %v", err)
	}
	s.Batch, s.Seed = f.batch, f.seed
	if s.Batch < 1 {
		return s, fmt.Errorf("--batch %d: the batch size must be at least 1", s.Batch)
	}
	if len(s.Acts) != 1 && len(s.Acts) != len(s.Sizes)-1 {
		return s, fmt.Errorf("--act has %d names for %d layers: give one name for all, or one per layer", len(s.Acts), len(s.Sizes)-1)
	}
	return s, nil
}

// parseSizes reads "784,30,10".
func parseSizes(s string) ([]int, error) {
	var sizes []int
	for _, part := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("--net %q: want layer sizes as positive whole numbers separated by commas, such as 784,30,10", s)
		}
		sizes = append(sizes, n)
	}
	if len(sizes) < 2 {
		return nil, fmt.Errorf("--net %q: a network needs at least an input size and an output size", s)
	}
	return sizes, nil
}

func names[T fmt.Stringer](values []T) string {
	s := make([]string, len(values))
	for i, v := range values {
		s[i] = v.String()
	}
	return strings.Join(s, ", ")
}

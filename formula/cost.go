package formula

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/backproof/backproof/budget"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/internal/printf"
	"gonum.org/v1/gonum/mat"
)

// CostRead is a cost and a reduction whose value a pasted cost line has.
type CostRead struct {
	Cost      derive.Cost
	Reduction derive.Reduction
}

// costTol is how close, relatively, a cost line's value must be to a
// cost's to be read as it: the same number up to rounding.
const costTol = 1e-9

// ReadCost runs the program once on the problem (net, X, Y) and places
// its cost line by value: the last line that binds a number made from the
// targets (Y or y, through the helpers it reads), or the last such line
// that cannot be evaluated when none can. line is that line (0 when there
// is none); evaluated is false when that line cannot be evaluated on
// this problem, or is not one finite number; reads are the costs and
// reductions of derive's table whose value on the problem it equals, to
// costTol, with the problem's L2 term or without it. In the per-example
// convention the line runs once per example and holds that example's own
// cost: its reads are the costs it equals on every example, each with
// derive.Sum, the reduction being the update's. Nothing is guessed from names. A
// file whose lines would need more memory than limit is not run (Check
// refuses it). CostNote reads every such line, not only the last.
func (p *Program) ReadCost(net *derive.Net, X, Y *mat.Dense, limit budget.Bytes) (reads []CostRead, line int, evaluated bool) {
	return lastCostLine(p.costLines(net, X, Y, limit))
}

// costLine is a line that binds something made from the targets, as
// one run of the program on a problem found it.
type costLine struct {
	line   int
	number bool       // it was evaluated to one number (or np.sum's 1×1); false when it failed
	finite bool       // and that number is finite
	reads  []CostRead // the costs and reductions whose value it has
}

// lastCostLine is ReadCost's line among lines: the last number, or the
// last line that failed when none is a number.
func lastCostLine(lines []costLine) (reads []CostRead, line int, evaluated bool) {
	failed := 0
	for i := len(lines) - 1; i >= 0; i-- {
		l := lines[i]
		if l.number {
			return l.reads, l.line, l.finite
		}
		if failed == 0 {
			failed = l.line
		}
	}
	return nil, failed, false
}

// costLines runs the program once on the problem (once per example in
// the per-example convention) and returns, in order,
// each helper line made from the targets that is one number or cannot be
// evaluated (a matrix made from them, as dZ2 = A2 - Y, is left out), each
// number compared with every cost and reduction of derive's table.
func (p *Program) costLines(net *derive.Net, X, Y *mat.Dense, limit budget.Bytes) []costLine {
	o := newOracle(net, X, Y)
	prog, err := p.atDepth(o.L)
	if err != nil {
		return nil
	}
	uses, err := resolve(prog, o.L)
	if err != nil {
		return nil
	}
	c := &checker{prog: prog, p: o, uses: uses}
	for _, st := range prog.Stmts {
		info := classify(st.Name).in(o.L)
		if _, ok := st.X.(*Assert); ok {
			info = nameInfo{kind: nkAssert}
		}
		c.info = append(c.info, info)
	}
	c.staged = staged(prog, o.L)
	for i := range c.staged {
		c.info[i] = nameInfo{kind: nkHelper}
	}
	made := map[string]bool{}    // the helpers made from the targets so far
	counted := map[string]bool{} // and those made from a count of right answers
	var cands []int
	for i, st := range prog.Stmts {
		if c.info[i].kind != nkHelper {
			continue
		}
		made[st.Name] = readsTargets(st.X, made)
		counted[st.Name] = countsAnswers(st.X, counted)
		if made[st.Name] && !st.Running && !counted[st.Name] {
			cands = append(cands, i)
		}
	}
	if len(cands) == 0 || c.within(limit) != nil { // the check refuses a file too large to run
		return nil
	}
	// one run over the batch, or one per example in the per-example
	// convention, where a line holds that example's own cost C_x
	xs := o.examples()
	runs := make([][]lineOut, len(xs))
	for k, x := range xs {
		runs[k] = c.run(x, nil)
	}
	// every cost's value on each run's examples, with its L2 term and
	// without, worked out once for all the lines
	type costValue struct {
		read          CostRead
		with, without float64
	}
	values := make([][]costValue, len(xs))
	valuesOf := func(k int) []costValue {
		if values[k] != nil {
			return values[k]
		}
		reds, Xk, Yk, m := []derive.Reduction{derive.Sum, derive.Mean}, X, Y, o.m
		if x := xs[k]; x >= 0 { // one example's cost: no reduction
			reds, Xk, Yk, m = []derive.Reduction{derive.Sum}, column(X, x), column(Y, x), 1
		}
		for _, cost := range derive.Costs {
			for _, red := range reds {
				n := *net
				n.Cost, n.Reduction = cost, red
				with := n.Loss(Xk, Yk)
				values[k] = append(values[k], costValue{CostRead{cost, red}, with, with - n.Penalty(m)})
			}
		}
		return values[k]
	}
	var lines []costLine
cands:
	for _, i := range cands {
		l := costLine{line: prog.Stmts[i].Line, number: true, finite: true}
		for k, outs := range runs {
			out := outs[i]
			if out.err != nil || out.v.M == nil {
				l = costLine{line: l.line} // it cannot be evaluated
				break
			}
			if r, c := out.v.M.Dims(); r != 1 || c != 1 {
				continue cands // a matrix, not a cost
			}
			v := out.v.M.At(0, 0)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				l.finite, l.reads = false, nil
				continue
			}
			if !l.finite {
				continue
			}
			var reads []CostRead
			for _, cv := range valuesOf(k) {
				if sameNumber(v, cv.with) || sameNumber(v, cv.without) {
					reads = append(reads, cv.read)
				}
			}
			if k == 0 {
				l.reads = reads
			} else {
				l.reads = slices.DeleteFunc(l.reads, func(r CostRead) bool { return !slices.Contains(reads, r) })
			}
		}
		lines = append(lines, l)
	}
	return lines
}

// describe names the cost and, over a batch, the reduction: "cross-entropy,
// mean"; per example, the cost alone.
func (r CostRead) describe(perEx bool) string {
	if perEx {
		return r.Cost.String()
	}
	return r.Cost.String() + ", " + r.Reduction.String()
}

// sameNumber reports whether a and b are the same number to costTol.
func sameNumber(a, b float64) bool {
	return math.Abs(a-b) <= costTol*math.Max(math.Abs(a), math.Abs(b))
}

// readsTargets reports whether e reads Y or y, or a helper made from them.
func readsTargets(e Expr, made map[string]bool) bool {
	found := false
	_ = walk(e, func(x Expr) error {
		if id, ok := x.(*Ident); ok && (id.Name == "Y" || id.Name == "y" || made[id.Name]) {
			found = true
		}
		return nil
	})
	return found
}

// countsAnswers reports whether e compares with == or != or takes an
// argmax or argmin, or reads a helper that does: an accuracy as courses
// write it (np.mean(np.argmax(A2, 1) == np.argmax(Y, 1))), a count of
// right answers, never a cost.
func countsAnswers(e Expr, counted map[string]bool) bool {
	found := false
	_ = walk(e, func(x Expr) error {
		switch x := x.(type) {
		case *Ident:
			found = found || counted[x.Name]
		case *Binary:
			found = found || x.Op == '=' || x.Op == '≠'
		case *Call:
			found = found || !x.User && (x.Fn == "argmax" || x.Fn == "argmin")
		}
		return nil
	})
	return found
}

// CostNote is what the command does with the cost line of a pasted
// forward pass. draw is the problem the command would check on
// with cost c, its other settings the command's own (ok false when c does
// not fit them); cost and red are the command's, costGiven and redGiven
// whether the flags or the header give them. Every line that binds a
// number made from the targets runs on the problem of every cost (their
// targets differ: one-hot, in [0,1]), in one run of the program each, and
// a cost and reduction are a line's when its value is theirs on every
// problem it could be evaluated on (one output's log-likelihood with
// targets of ones is also its cross-entropy: the other problems tell
// them apart). A line with one cost and reduction alone is a cost line;
// one with none (an accuracy, a count of right answers) is passed over.
// When the cost lines all say one cost and reduction, that cost is used
// unless given, and that reduction unless given, and note says so,
// naming the last of them; a given one that differs is kept, and note
// says where the paste differs. Cost lines that say different costs
// change nothing, and note names them and how to give the cost. No cost
// line: the last line made from the targets (ReadCost's) changes nothing,
// and note says it could not be placed and how to give the cost. No line
// made from the targets: nothing, and no note. The command line and the
// page both call it, so that the two agree.
func (p *Program) CostNote(cost derive.Cost, red derive.Reduction, costGiven, redGiven bool, limit budget.Bytes,
	draw func(c derive.Cost) (net *derive.Net, X, Y *mat.Dense, ok bool)) (useCost derive.Cost, useRed derive.Reduction, note string) {
	useCost, useRed = cost, red
	if !p.costCandidate() {
		return cost, red, "" // no line made from the targets: no problem drawn
	}
	// each line's reads on every problem it was evaluated on, and the
	// last line's alone, as ReadCost places it, for when no line says
	type lineReads struct {
		matched []CostRead
		runs    int
	}
	byLine := map[int]*lineReads{}
	var order []int
	var matched []CostRead // the last line's reads on every problem it was evaluated on
	line, runs := 0, 0
	perEx := false // a line holds one example's cost: no reduction is read
	for _, c := range derive.Costs {
		net, X, Y, ok := draw(c)
		if !ok {
			continue
		}
		perEx = net.Convention == derive.PerExample
		lines := p.costLines(net, X, Y, limit)
		reads, l, evaluated := lastCostLine(lines)
		if l == 0 {
			return cost, red, "" // no cost line: nothing to read
		}
		for _, cl := range lines {
			lr := byLine[cl.line]
			if lr == nil {
				lr = &lineReads{}
				byLine[cl.line] = lr
				order = append(order, cl.line)
			}
			if !cl.number || !cl.finite {
				continue
			}
			if lr.runs == 0 {
				lr.matched = slices.Clone(cl.reads)
			} else {
				lr.matched = slices.DeleteFunc(lr.matched, func(r CostRead) bool { return !slices.Contains(cl.reads, r) })
			}
			lr.runs++
		}
		line = l
		if !evaluated {
			continue // (CS231n's y on targets that are not one-hot)
		}
		if runs == 0 {
			matched = slices.Clone(reads)
		} else {
			matched = slices.DeleteFunc(matched, func(r CostRead) bool { return !slices.Contains(reads, r) })
		}
		runs++
	}
	if line == 0 {
		return cost, red, ""
	}
	// the lines whose value is one cost's alone (an accuracy, or a count
	// of right answers, is no cost's and is passed over): one cost among
	// them is read, from the last of them; two disagree
	slices.Sort(order)
	var first []int // the lines read, each the first to say its cost
	lastSaid := map[CostRead]int{}
	for _, l := range order {
		lr := byLine[l]
		if lr.runs == 0 || len(lr.matched) != 1 {
			continue
		}
		r := lr.matched[0]
		if _, ok := lastSaid[r]; !ok {
			first = append(first, l)
		}
		lastSaid[r] = l
	}
	switch len(lastSaid) {
	case 1:
		for _, l := range lastSaid {
			line, matched = l, byLine[l].matched
		}
	case 0:
		// no line says: the last line is placed, or not, as it is
	default:
		var names []string
		var ls []string
		for _, l := range first {
			r := byLine[l].matched[0]
			names = append(names, printf.Sprintf("%s on line %d", r.describe(perEx), l))
			ls = append(ls, strconv.Itoa(l))
		}
		where := printf.Sprintf("lines %s of your forward pass compute different costs (%s)", strings.Join(ls[:len(ls)-1], ", ")+" and "+ls[len(ls)-1], strings.Join(names, "; "))
		if costGiven {
			return cost, red, printf.Sprintf("%s: --cost %s is used", where, cost)
		}
		return cost, red, printf.Sprintf("%s: the cost used is %s, %s; give it with --cost and --reduction, or in the header (# backproof: --cost NAME --reduction sum)", where, cost, red)
	}
	if len(matched) != 1 {
		why := "its value is no cost's, summed or averaged"
		if perEx {
			why = "its value is no cost's for the example"
		}
		if runs == 0 {
			why = "it cannot be evaluated on the problem"
		}
		if len(matched) > 1 {
			var names []string
			for _, r := range matched {
				names = append(names, map[bool]string{false: printf.Sprintf("%s (%s)", r.Cost, r.Reduction), true: r.Cost.String()}[perEx])
			}
			why = "its value is that of " + joinOr(names)
		}
		if costGiven {
			return cost, red, printf.Sprintf("the cost on line %d of your forward pass could not be placed (%s): --cost %s is used", line, why, cost)
		}
		return cost, red, printf.Sprintf("the cost on line %d of your forward pass could not be placed (%s): the cost used is %s, %s; give it with --cost and --reduction, or in the header (# backproof: --cost NAME --reduction sum)", line, why, cost, red)
	}
	m := matched[0]
	if perEx { // the reduction is the update's: the command's is kept, unsaid
		m.Reduction, redGiven = red, true
	}
	var said, differ []string
	if costGiven {
		if m.Cost != cost {
			differ = append(differ, printf.Sprintf("--cost gives %s", cost))
		}
	} else {
		useCost = m.Cost
		said = append(said, m.Cost.String())
	}
	if redGiven {
		if m.Reduction != red {
			differ = append(differ, printf.Sprintf("--reduction gives %s", red))
		}
	} else {
		useRed = m.Reduction
		said = append(said, m.Reduction.String())
	}
	switch {
	case len(differ) > 0:
		return useCost, useRed, printf.Sprintf("your forward pass computes the %s cost%s (line %d), but %s: the flag%s used", m.Cost, map[bool]string{false: ", " + m.Reduction.String(), true: ""}[perEx], line, strings.Join(differ, " and "), map[bool]string{true: "s are", false: " is"}[len(differ) > 1])
	case len(said) == 2:
		return useCost, useRed, printf.Sprintf("cost read from your forward pass: %s, %s (line %d)", m.Cost, m.Reduction, line)
	case len(said) == 1 && !costGiven:
		return useCost, useRed, printf.Sprintf("cost read from your forward pass: %s (line %d)", m.Cost, line)
	case len(said) == 1:
		return useCost, useRed, printf.Sprintf("reduction read from your forward pass: %s (line %d)", m.Reduction, line)
	}
	return useCost, useRed, ""
}

// costCandidate reports whether a helper line of the file as written reads
// the targets: the file may have a cost line.
func (p *Program) costCandidate() bool {
	made, counted := map[string]bool{}, map[string]bool{}
	for _, st := range p.Stmts {
		if classify(st.Name).kind != nkHelper {
			continue
		}
		made[st.Name] = readsTargets(st.X, made)
		counted[st.Name] = countsAnswers(st.X, counted)
		if made[st.Name] && !st.Running && !counted[st.Name] {
			return true
		}
	}
	return false
}

package formula

import (
	"math"
	"sort"
	"strings"

	"github.com/backproof/backproof/budget"
	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/internal/printf"
	"gonum.org/v1/gonum/mat"
)

// Check runs prog on net with one batch X, Y laid out for net's convention
// and checks every target line (dZℓ, dAℓ, dWℓ, dbℓ) against derive's
// backpropagation: its shape, its value within compare.MatchTol, and, when
// it is wrong, which classic mistakes reproduce it (compare.Diagnose).
//
// In the per-example convention the program runs once per example, with
// the names bound to that example's column vectors, and each target is
// compared with the example's own gradient ∂C_x; a line is correct when it
// is correct for every example.
//
// The error, an *Error with line and column, is for a program that names
// something the network does not have, or whose lines would need more
// memory than budget.Default (CheckWithin takes another limit);
// everything else is in the Result.
func Check(prog *Program, net *derive.Net, X, Y *mat.Dense) (*Result, error) {
	return CheckWithin(prog, net, X, Y, budget.Default)
}

// CheckWithin is Check with a memory limit: before any line runs, every
// line's shapes are worked out from the problem's (the same evaluation,
// counting the matrices it would make instead of making them), and a file
// whose lines would need more than limit is refused with an *Error at the
// line that makes the most (errors.Is(err, budget.ErrTooLarge)). A helper
// G = X @ Xᵀ with a batch of 50,000 is 20 GB, whatever the gradient's size.
func CheckWithin(prog *Program, net *derive.Net, X, Y *mat.Dense, limit budget.Bytes) (*Result, error) {
	p := newOracle(net, X, Y)
	prog, err := prog.atDepth(p.L)
	if err != nil {
		return nil, err
	}
	uses, err := resolve(prog, p.L)
	if err != nil {
		return nil, prog.placeErr(err)
	}
	c := &checker{prog: prog, p: p, uses: uses}
	for _, st := range prog.Stmts {
		info := classify(st.Name).in(p.L)
		if _, ok := st.X.(*Assert); ok {
			info = nameInfo{kind: nkAssert}
		}
		c.info = append(c.info, info)
	}
	c.staged = staged(prog, p.L)
	for i := range c.staged {
		c.info[i] = nameInfo{kind: nkHelper}
	}
	if err := c.within(limit); err != nil {
		return nil, prog.placeErr(err)
	}
	if err := c.place(); err != nil {
		return nil, prog.placeErr(err)
	}
	return c.check(), nil
}

type checker struct {
	prog    *Program
	p       *oracle
	binders map[string][]int // per canonical name, the statements that bind it
	uses    [][]string
	info    []nameInfo
	// staged[i] is the line that updates line i's value in place next
	// (dZ1 = np.zeros_like(Z1), then dZ1[Z1 > 0] = …): line i is a stage,
	// not a claim, and is judged there.
	staged map[int]int
	// notes are what placing a name without a layer said, by line
	notes map[int][]string
	// probe, for tests, is called before line i runs (steps 0) and after
	// it, with the nodes it evaluated.
	probe func(i, steps int)
}

// lineOut is one line's outcome in one run.
type lineOut struct {
	v     Value
	err   *Error
	notes []string
	said  string // an assert's finding
}

// run evaluates the program once: over the batch (x = −1) or for example
// x. override replaces the value line i binds (not the value it reports)
// with a given one: the truth, to see whether later lines are right given
// right inputs.
func (c *checker) run(x int, override map[int]*mat.Dense) []lineOut {
	return c.exec(c.evaluator(x), override, nil)
}

func (c *checker) evaluator(x int) *evaluator {
	return &evaluator{prog: c.prog, d: c.p.d, acts: c.p.acts, env: c.p.env(x), bad: map[string]failed{}, L: c.p.L}
}

// exec runs the lines with ev; with made, ev works out shapes alone and
// made[i] gets what line i would allocate.
func (c *checker) exec(ev *evaluator, override map[int]*mat.Dense, made []budget.Bytes) []lineOut {
	out := make([]lineOut, len(c.prog.Stmts))
	var count budget.Bytes
	if made != nil {
		ev.alloc = &count
	}
	arrays := aliases{}
	for i, st := range c.prog.Stmts {
		ev.notes, ev.said = append([]string(nil), st.Notes...), ""
		count = 0
		steps := 0
		ev.steps = &steps
		if c.probe != nil {
			c.probe(i, 0)
		}
		ev.mutated = nil
		v, err := ev.eval(st.X)
		if c.probe != nil {
			c.probe(i, steps)
		}
		if made != nil {
			made[i] = count
		}
		name := canonName(st.Name, c.p.L)
		if err != nil {
			e, ok := err.(*Error)
			if !ok {
				e = errorf(Pos{st.Line, 1}, KindEval, "%v", err)
			}
			out[i] = lineOut{err: e}
			o, ok := override[i]
			if !ok {
				ev.bad[name] = failed{st.Line, st.Name, e.Kind == KindCannotTell}
				delete(ev.env, name)
				continue
			}
			v = Value{M: o, S: c.p.wantShape(c.info[i])}
		} else {
			for n, m := range ev.mutated { // a def changed the array passed to it
				if n != name {
					ev.env[n] = m
					delete(ev.bad, n)
				}
			}
			shared := arrays.bind(st, name, c.p.L)
			if len(shared) > 0 {
				ev.note("numpy changes %s too, since %s is the same array (bound by a plain =): the lines after this one read the changed %s, as numpy's would; bind a copy (%s = %s.copy()) to keep them apart",
					joinAnd2(shared), st.Name, joinAnd2(shared), st.Name, shared[0])
			}
			out[i] = lineOut{v: v, notes: ev.notes, said: ev.said}
			if o, ok := override[i]; ok {
				v = Value{M: o, S: c.p.wantShape(c.info[i])}
			}
			for _, k := range shared {
				ev.env[k] = v
			}
		}
		delete(ev.bad, name)
		ev.env[name] = v
	}
	return out
}

// judgement is one target line's verdict in one run.
type judgement struct {
	status   Status
	err      *Error
	matched  int // 1: the truth, 2: the alternative scale (dZ, dA), 3: a dropout stage of dA
	rel      float64
	mistakes []compare.Mistake
}

func (c *checker) judge(i int, out lineOut, x int) judgement {
	if out.err != nil {
		return judgement{status: errStatus(out.err), err: out.err}
	}
	info := c.info[i]
	truth, alt, ctx := c.p.truth(info, x)
	got := out.v.M
	diagnose := func() []compare.Mistake {
		if info.forward() {
			return nil // the classic mistakes are the backward pass's
		}
		return compare.Diagnose(got, truth, ctx)
	}
	if !out.v.S.Same(c.p.wantShape(info)) || out.v.S.Scalar {
		return judgement{status: ShapeError, rel: math.NaN(), mistakes: diagnose()}
	}
	if compare.Matches(got, truth) {
		return judgement{status: Correct, matched: 1, rel: compare.MaxRelError(got, truth)}
	}
	if alt != nil && compare.Matches(got, alt) {
		return judgement{status: Correct, matched: 2, rel: compare.MaxRelError(got, alt)}
	}
	for _, s := range c.p.dropStages(info, x, truth, alt) {
		if compare.Matches(got, s) {
			return judgement{status: Correct, matched: 3, rel: compare.MaxRelError(got, s)}
		}
	}
	return judgement{status: Wrong, rel: compare.MaxRelError(got, truth), mistakes: diagnose()}
}

// errStatus is the status of a line that could not be evaluated.
func errStatus(e *Error) Status {
	switch e.Kind {
	case KindShape:
		return ShapeError
	case KindCannotTell:
		return StatusCannotTell
	}
	return Failed
}

func (c *checker) check() *Result {
	xs := c.p.examples()
	stmts := c.prog.Stmts
	runs := make([][]lineOut, len(xs))
	judged := make([][]judgement, len(stmts)) // per line, per example
	for k, x := range xs {
		runs[k] = c.run(x, nil)
		for i := range stmts {
			if c.info[i].checked() {
				judged[i] = append(judged[i], c.judge(i, runs[k][i], x))
			}
		}
	}
	rep := c.p.report()
	for i, st := range stmts {
		rep.Results = append(rep.Results, c.result(i, st, runs[0][i], judged[i]))
	}
	c.inherited(rep, xs)
	c.blameDefs(rep, xs)
	rep.decide()
	rep.Warnings = append(rep.Warnings, c.warnings(rep)...)
	return rep
}

// result aggregates a line's judgements over the examples.
func (c *checker) result(i int, st Stmt, out lineOut, js []judgement) LineResult {
	info := c.info[i]
	r := LineResult{Line: st.Line, Name: st.Name, Text: st.Text, Checked: info.checked(), Diagnosis: []compare.Code{}, Notes: append(append([]string(nil), c.notes[i]...), out.notes...), kind: info.kind}
	if out.err == nil {
		r.Shape = out.v.S.String()
	}
	if !info.checked() {
		r.Status = Correct
		if info.kind == nkM && out.err == nil && len(out.notes) == 0 {
			r.Message = printf.Sprintf("m = %g, the batch size", out.v.M.At(0, 0))
		}
		if j, ok := c.staged[i]; ok && out.err == nil {
			r.Message = printf.Sprintf("a first stage of %s, shape %s: line %d updates it in place, and is judged", st.Name, r.Shape, j)
		}
		if info.kind == nkAssert {
			r.Name, r.Shape, r.Message = assertName, "", out.said
		}
		if out.err != nil {
			r.Status, r.Col, r.Message = errStatus(out.err), c.col(st, out.err), out.err.Msg
		}
		return r
	}
	want := c.p.wantShape(info)
	r.WantShape = want.String()
	if out.err == nil && out.v.S.Same(want) {
		r.Notes = append(r.Notes, shapeCoincidence(info, out.v.S, want)...)
	}
	j := aggregate(js)
	r.Status, r.Mistakes = j.status, j.mistakes
	if j.err != nil {
		r.Col = c.col(st, j.err)
	}
	if !math.IsNaN(j.rel) && !math.IsInf(j.rel, 0) && j.err == nil && r.Status != ShapeError {
		rel := j.rel
		r.MaxRelError = &rel
	}
	// A dZ or dA line in the other scale stays so until dW and db: the
	// alternative's code says nothing new about the line.
	kept := c.dropAltCode(info, r.Mistakes)
	dropped := len(kept) < len(r.Mistakes)
	r.Mistakes = kept
	for _, m := range r.Mistakes {
		r.Diagnosis = append(r.Diagnosis, m.Code)
	}
	r.Message = c.message(info, r, j, dropped, want, out)
	return r
}

// aggregate combines the runs: the worst status; the largest error; the
// mistakes every example shows (with one factor for scale).
func aggregate(js []judgement) judgement {
	out := js[0]
	for _, j := range js[1:] {
		if rank(j.status) > rank(out.status) {
			out.status, out.err = j.status, j.err
		}
		if j.matched != out.matched {
			out.matched = 0
		}
		if math.IsNaN(out.rel) || j.rel > out.rel {
			out.rel = j.rel
		}
		out.mistakes = intersect(out.mistakes, j.mistakes)
	}
	if out.status == Correct && out.matched == 0 {
		// right in one scale for some examples and in the other for others
		out.status = Wrong
	}
	return out
}

func rank(s Status) int {
	return map[Status]int{Correct: 0, StatusCannotTell: 1, Wrong: 2, ShapeError: 3, Failed: 4}[s]
}

func intersect(a, b []compare.Mistake) []compare.Mistake {
	var out []compare.Mistake
	for _, m := range a {
		for _, n := range b {
			if m.Code == n.Code && (m.Code != compare.Scale || compare.RelError(m.Factor, n.Factor) <= compare.MatchTol) {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

// inherited separates a wrong line's own mistake from the mistakes it
// inherits. It reruns the program with every wrong target replaced by its
// truth (and again by its alternative scale) and looks at each wrong line
// that reads one of them: right now means its own formula is right; still
// wrong means it has a mistake of its own, diagnosed given right inputs.
func (c *checker) inherited(rep *Result, xs []int) {
	var bad []int
	for i, r := range rep.Results {
		if r.Checked && r.Status != Correct {
			bad = append(bad, i)
		}
	}
	if len(bad) == 0 {
		return
	}
	type attempt struct {
		name     string // "" for the truth, else which scale
		ok       bool
		mistakes []compare.Mistake
	}
	attempts := make([][]attempt, len(rep.Results))
	for _, useAlt := range []bool{false, true} {
		if useAlt && c.p.R == 1 {
			continue
		}
		name := ""
		if useAlt {
			name = map[bool]string{true: " in the scale without the mean's 1/m", false: " in the scale with the mean's 1/m"}[!c.p.d.perEx]
		}
		js := make([][]judgement, len(rep.Results))
		for _, x := range xs {
			override := map[int]*mat.Dense{}
			for _, i := range bad {
				t, alt, _ := c.p.truth(c.info[i], x)
				if useAlt && alt != nil {
					t = alt
				}
				override[i] = t
			}
			out := c.run(x, override)
			for _, i := range bad {
				js[i] = append(js[i], c.judge(i, out[i], x))
			}
		}
		for _, i := range bad {
			j := aggregate(js[i])
			attempts[i] = append(attempts[i], attempt{name, j.status == Correct, c.dropAltCode(c.info[i], j.mistakes)})
		}
	}
	isBad := map[int]bool{}
	for _, b := range bad {
		isBad[b] = true
	}
	for _, i := range bad {
		deps := c.badDeps(i, isBad)
		if len(deps) == 0 {
			continue // it reads no wrong line: its diagnosis is already its own
		}
		var names []string
		for _, d := range deps {
			names = append(names, printf.Sprintf("%s (line %d)", c.prog.Stmts[d].Name, c.prog.Stmts[d].Line))
		}
		with := "the true " + strings.Join(names, " and ")
		r := &rep.Results[i]
		var own *attempt
		for k := range attempts[i] {
			a := &attempts[i][k]
			if a.ok {
				r.Message += printf.Sprintf(" This line's own formula is right: with %s%s it gives the true %s, so the error comes from %s.",
					with, a.name, c.info[i].canonical(), map[bool]string{true: "those lines", false: "that line"}[len(names) > 1])
				own = nil
				break
			}
			if len(a.mistakes) > 0 && (own == nil || len(a.mistakes) < len(own.mistakes)) {
				own = a
			}
		}
		if own == nil {
			continue
		}
		r.Message += printf.Sprintf(" Given %s%s, this line is still wrong by itself:", with, own.name)
		for _, m := range own.mistakes {
			r.Message += " " + m.Message + "."
		}
		if len(r.Diagnosis) == 0 {
			r.Mistakes = own.mistakes
			for _, m := range own.mistakes {
				r.Diagnosis = append(r.Diagnosis, m.Code)
			}
		}
	}
}

// dropAltCode removes, from a dZ or dA line's mistakes, the code of the
// scale such a line may carry δ in (missing-1/m over a batch, extra-1/m per
// example) when other codes explain the rest: it says nothing wrong about
// the line.
func (c *checker) dropAltCode(info nameInfo, ms []compare.Mistake) []compare.Mistake {
	if k := info.kind; (k != nkDZ && k != nkDA) || c.p.R == 1 || len(ms) < 2 {
		return ms
	}
	code := compare.MissingOneOverM
	if c.p.d.perEx {
		code = compare.ExtraOneOverM
	}
	var keep []compare.Mistake
	for _, m := range ms {
		if m.Code != code {
			keep = append(keep, m)
		}
	}
	return keep
}

// badDeps are the lines in isBad that line i reads, directly or through
// helpers.
func (c *checker) badDeps(i int, isBad map[int]bool) []int {
	seen := map[int]bool{}
	var deps []int
	var visit func(j int)
	visit = func(j int) {
		for _, name := range c.uses[j] {
			d := c.definer(name, j)
			if d < 0 || seen[d] {
				continue
			}
			seen[d] = true
			if isBad[d] {
				deps = append(deps, d)
			} else if !c.info[d].checked() {
				visit(d)
			}
		}
	}
	visit(i)
	sort.Ints(deps)
	return deps
}

// definer is the last line before line j that binds name, or −1: a
// binary search in the lines that bind it, so that a long file costs
// n log n, not n².
func (c *checker) definer(name string, j int) int {
	if c.binders == nil {
		c.binders = map[string][]int{}
		for d, st := range c.prog.Stmts {
			n := canonName(st.Name, c.p.L)
			c.binders[n] = append(c.binders[n], d)
		}
	}
	ds := c.binders[name]
	k := sort.SearchInts(ds, j) // the first binder at j or after
	if k == 0 {
		return -1
	}
	return ds[k-1]
}

// shapeCoincidence notes a result whose sizes fit the target only because
// two dimensions are equal here (m = 1, or m = n1): post #7's vector
// formulas that work for one example and not for a batch.
func shapeCoincidence(info nameInfo, got, want Shape) []string {
	var notes []string
	for _, d := range [][2]Dim{{got.R, want.R}, {got.C, want.C}} {
		if d[0].Sym == d[1].Sym {
			continue
		}
		eq := printf.Sprintf("%s = %s = %d", d[0].Sym, d[1].Sym, d[0].N)
		if d[0].Sym == "1" || d[1].Sym == "1" {
			eq = printf.Sprintf("%s%s = 1", strings.TrimPrefix(d[0].Sym, "1"), strings.TrimPrefix(d[1].Sym, "1"))
		}
		notes = append(notes, printf.Sprintf("%s has the shape %s only because %s here; the target is %s, so with other sizes this line has the wrong shape",
			info.canonical(), got.Sym(), eq, want.Sym()))
	}
	return notes
}

// lineCosts are, per line, the bytes of the matrices it makes and of the
// value it keeps, worked out from shapes alone (in the per-example
// convention, for one example: every example has the same shapes).
func (c *checker) lineCosts() (made, kept []budget.Bytes) {
	made = make([]budget.Bytes, len(c.prog.Stmts))
	kept = make([]budget.Bytes, len(c.prog.Stmts))
	for i, o := range c.exec(c.evaluator(c.p.examples()[0]), nil, made) {
		if o.err == nil && !o.v.S.Scalar {
			kept[i] = budget.Floats(o.v.S.R.N, o.v.S.C.N)
		}
	}
	return made, kept
}

// memory is what checking the file needs: the problem's forward and
// backward trace, every line's value kept in each run (one run per
// example in the per-example convention, and one more rerun to tell a
// line's own mistakes from inherited ones), and at the peak one line's
// matrices being made. It returns the need and the line that makes the
// most.
func (c *checker) memory() (need budget.Bytes, worst int, made []budget.Bytes) {
	sizes := c.p.net.Sizes()
	trace := budget.Sum(budget.Floats(4, c.p.m, budget.Add(budget.Units(sizes), sizes[0])), budget.Floats(2, budget.Params(sizes)))
	made, kept := c.lineCosts()
	runs := len(c.p.examples()) + 1
	var sofar, peak budget.Bytes
	for i := range made {
		peak = max(peak, sofar.Times(runs).Plus(made[i]))
		sofar = sofar.Plus(kept[i])
		if made[i] > made[worst] {
			worst = i
		}
	}
	return trace.Plus(max(peak, sofar.Times(runs))), worst, made
}

// within refuses a file whose lines need more memory than limit (0 is
// budget.Default), naming the line that makes the most.
func (c *checker) within(limit budget.Bytes) error {
	if len(c.prog.Stmts) == 0 {
		return nil
	}
	need, worst, made := c.memory()
	if budget.Check("", need, limit) == nil {
		return nil
	}
	if limit <= 0 {
		limit = budget.Default
	}
	st := c.prog.Stmts[worst]
	what := printf.Sprintf("%s: its matrices take about %v", st.Text, made[worst])
	if made[worst] >= budget.Huge {
		what = printf.Sprintf("%s: its matrices take more than 8 EiB", st.Text)
	}
	if v := c.shapeOf(worst); v != "" {
		what += printf.Sprintf(" (%s is %s)", canonName(st.Name, c.p.L), v)
	}
	return &Error{Pos: Pos{st.Line, 1}, Kind: KindMemory,
		Msg: printf.Sprintf("%s, and checking the file needs about %v in all, more than the limit of %v: write the line without so large a matrix, use a smaller --batch, or raise --max-memory", what, need, limit)}
}

// shapeOf is line i's shape from shapes alone, "" when it fails.
func (c *checker) shapeOf(i int) string {
	made := make([]budget.Bytes, len(c.prog.Stmts))
	o := c.exec(c.evaluator(c.p.examples()[0]), nil, made)[i]
	if o.err != nil {
		return ""
	}
	return o.v.S.String()
}

// col is the column of a line's error on the line where the statement
// starts, 0 when the error is on a line the statement continues onto.
func (c *checker) col(st Stmt, e *Error) int {
	at := c.prog.place(Pos{st.Line, e.Col})
	if at.Line != st.Line {
		return 0
	}
	return at.Col
}

package bridge

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/formula"
	"github.com/backproof/backproof/internal/printf"
	"github.com/backproof/backproof/problem"
)

// Formula is `backproof formula NAME ARGS…` on the derivation src: the
// line-by-line report (JSON with --json among args), what stderr says and
// the exit status. args are the command's flags (--convention row --act
// sigmoid …); a header line in src gives the ones args do not, as on the
// command line.
func Formula(name, src string, args []string) Output {
	return Run(func(stdout *bytes.Buffer, say func(string)) (string, error) {
		nf := newNetFlags()
		if err := nf.parse(args); err != nil {
			return "", badInput(err)
		}
		if err := checkText(name, src); err != nil {
			return "", badInput(err)
		}
		prog, err := formula.Parse(src)
		if err != nil {
			return "", formulaErrors(say, name, err)
		}
		hdr, err := formula.ReadHeader(src)
		if err != nil {
			return "", formulaErrors(say, name, err)
		}
		if err := applyHeader(nf, say, name, hdr); err != nil {
			return "", badInput(err)
		}
		if len(prog.Stmts) == 0 {
			return "", badInput(printf.Errorf("%s: nothing to check: the file has no statement; write one NAME = EXPRESSION a line, such as dW2 = A1ᵀ @ dZ2 (see docs/formulas.md)", name))
		}
		layers := 0
		if nf.fs.Changed("net") {
			layers = len(nf.net) - 1
		}
		if use, note := prog.ForwardNote(nf.acts, nf.fs.Changed("act"), layers); note != "" {
			say(note) // as the command line says it
			if use != nil {
				nf.acts = use
			}
		}
		p, err := formulaProblem(nf, prog, say)
		if err != nil {
			var fe *formula.Error
			if errors.As(err, &fe) {
				return "", formulaErrors(say, name, err)
			}
			return "", badInput(err)
		}
		rep, err := formula.CheckWithin(prog, p.Net, p.X, p.Y, nf.maxMemory)
		if err != nil {
			return "", formulaErrors(say, name, err)
		}
		if rep.Checked() == 0 {
			return "", badInput(printf.Errorf("%s: nothing to check: no line is named dZℓ, dAℓ, dWℓ or dbℓ, and helper lines alone are not checked", name))
		}
		var text bytes.Buffer
		rep.WriteText(&text)
		if nf.json {
			raw, err := rep.MarshalJSON()
			if err != nil {
				return "", err
			}
			stdout.Write(raw)
			stdout.WriteByte('\n')
		} else {
			stdout.Write(text.Bytes())
		}
		if !rep.Pass {
			return text.String(), mismatch()
		}
		return text.String(), nil
	})
}

// maxFormulaBytes bounds a derivation, as the command line does.
const maxFormulaBytes = 1 << 20

// checkText refuses what the command line refuses to read as a formula file.
func checkText(name, src string) error {
	switch {
	case len(src) > maxFormulaBytes:
		return printf.Errorf("%s: the formula file is larger than 1 MiB, the limit: a derivation is a few lines, so this is not one", name)
	case !utf8.ValidString(src):
		return printf.Errorf("%s: the formula file is not UTF-8 text", name)
	case strings.IndexByte(src, 0) >= 0:
		return printf.Errorf("%s: the formula file holds NUL bytes: it is not text", name)
	}
	return nil
}

// formulaErrors says every error of a derivation, one a line as
// NAME:LINE:COL: message (formula.ErrorLines, as the command line), the
// last one as the command's error.
func formulaErrors(say func(string), name string, err error) error {
	lines, ok := formula.ErrorLines(name, err)
	if !ok {
		return badInput(printf.Errorf("%s: %v", name, err))
	}
	for _, l := range lines[:len(lines)-1] {
		say(l)
	}
	return badInput(errors.New(lines[len(lines)-1]))
}

// headerFlags are the flags a derivation's header may give.
var headerFlags = []string{"net", "batch", "act", "cost", "reduction", "convention", "init", "seed"}

// applyHeader sets the header's flags that args did not set; a flag in
// args wins, and a line says so when it differs.
func applyHeader(nf *netFlags, say func(string), name string, h *formula.Header) error {
	if h == nil || len(h.Flags) == 0 {
		return nil
	}
	note := func(format string, args ...any) {
		say(printf.Sprintf("%s:%d: %s", name, h.Line, printf.Sprintf(format, args...)))
	}
	for _, f := range h.Flags {
		if !slices.Contains(headerFlags, f.Name) {
			return printf.Errorf("%s:%d:%d: --%s cannot be given in the header: a header gives the problem (--%s); give --%s on the command line",
				name, h.Line, f.Col, f.Name, strings.Join(headerFlags, ", --"), f.Name)
		}
		if f.Bare {
			return printf.Errorf("%s:%d:%d: --%s in the header has no value: write --%s VALUE", name, h.Line, f.Col, f.Name, f.Name)
		}
	}
	given := map[string]bool{}
	for _, f := range h.Flags {
		given[f.Name] = nf.fs.Changed(f.Name)
	}
	for _, f := range h.Flags {
		flag := nf.fs.Lookup(f.Name)
		if given[f.Name] {
			if given := flag.String(); given != f.Value {
				note("--%s %s on the command line overrides the header's --%s %s", f.Name, given, f.Name, f.Value)
			}
			continue
		}
		if err := nf.fs.Set(f.Name, f.Value); err != nil {
			return printf.Errorf("%s:%d:%d: the header's --%s %s: %v", name, h.Line, f.Col, f.Name, f.Value, err)
		}
	}
	return nil
}

// formulaProblem is the random problem the flags describe; without --net,
// as many layers as the derivation names, in sizes that differ from each
// other and from the batch.
func formulaProblem(nf *netFlags, prog *formula.Program, say func(string)) (*problem.Problem, error) {
	if !nf.fs.Changed("net") {
		sizes, err := prog.Sizes(nf.batch, len(nf.acts))
		if err != nil {
			return nil, err
		}
		if err := nf.net.Set(sizes); err != nil {
			return nil, err
		}
	}
	draw := problem.Drawer(func(c derive.Cost) (problem.Spec, error) {
		f := *nf
		f.cost = c
		return f.spec()
	})
	var note string
	nf.cost, nf.reduction, note = prog.CostNote(nf.cost, nf.reduction, nf.fs.Changed("cost"), nf.fs.Changed("reduction"), nf.maxMemory, draw)
	if note != "" {
		say(note) // as the command line says it
	}
	spec, err := nf.spec()
	if err != nil {
		return nil, err
	}
	return problem.Random(spec)
}

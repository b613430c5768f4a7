package formula

import (
	"sort"
	"strings"

	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/internal/printf"
)

// Names not numbered by layer, as courses and posts write them: CS231n's
// hidden_layer, scores, dscores, dhidden, and a dW or db without its
// layer. The file runs once on the problem; a forward-pass helper whose
// value is the problem's Aℓ or Zℓ is placed there (hidden_layer is A1),
// and a backward name is placed at the target it holds — by its value
// when it is right (dscores, divided by N, is ∂C/∂Z2), else by its shape
// when only one target of its family has that shape (dW shaped like W1 is
// dW1), else, for d+NAME, at the layer NAME was placed at (dhidden beside
// hidden_layer). A placed line is checked as that target, with every code
// and explanation; a dW, db, dZ, dA or delta that cannot be placed is
// refused, saying what to write.

// placement is where one line was placed and why.
type placement struct {
	info nameInfo
	why  string
}

// place places the lines whose names carry no layer, before the check.
func (c *checker) place() error {
	L := c.p.L
	stmts := c.prog.Stmts
	var cands []int
	for i, st := range stmts {
		if c.info[i].kind == nkHelper && !st.Running && st.Name != assertName {
			cands = append(cands, i)
		}
	}
	// only a gradient without its layer needs the run: dW, or d+NAME
	// beside a helper NAME
	helpers := map[string]bool{}
	for _, i := range cands {
		helpers[stmts[i].Name] = true
	}
	needed := false
	for _, i := range cands {
		name := stmts[i].Name
		rest, _ := strings.CutPrefix(name, "d")
		if unnumbered(name) || (rest != name && rest != "" && (helpers[rest] || backwardName(name))) {
			needed = true
			break
		}
	}
	if !needed {
		return nil
	}
	x := c.p.examples()[0]
	out := c.run(x, nil)
	// the forward pass: a helper holding Aℓ or Zℓ
	forward := map[string]nameInfo{}
	for _, i := range cands {
		o := out[i]
		if o.err != nil || o.v.M == nil || o.v.S.Scalar || unnumbered(stmts[i].Name) || backwardName(stmts[i].Name) {
			continue
		}
		for ℓ := 1; ℓ <= L; ℓ++ {
			for _, k := range []nameKind{nkA, nkZ} {
				info := nameInfo{k, ℓ}
				t, _, _ := c.p.truth(info, x)
				if o.v.S.Same(c.p.wantShape(info)) && compare.Matches(o.v.M, t) {
					forward[stmts[i].Name] = info
					c.noteAt(i, printf.Sprintf("%s equals %s: placed by its value", stmts[i].Name, info.canonical()))
				}
			}
		}
	}
	// is line i a first stage, which the next line binding its name updates in place?
	stage := func(i int) bool {
		for j := i + 1; j < len(stmts); j++ {
			if stmts[j].Name == stmts[i].Name {
				return stmts[j].InPlace
			}
		}
		return false
	}
	var errs ErrorList
	for _, i := range cands {
		st := stmts[i]
		var options []nameInfo
		var from nameInfo // d+NAME: where NAME was placed
		look := unnumbered(st.Name)
		if look {
			want, _, _ := lookalike(st.Name)
			k := map[string]nameKind{"dZ": nkDZ, "dA": nkDA, "dW": nkDW, "db": nkDB}[strings.TrimSuffix(want, "ℓ")]
			if k == 0 {
				continue // Z, A, W, b without a layer: a helper
			}
			lo, hi := layerRange(k, L)
			for ℓ := lo; ℓ <= hi; ℓ++ {
				options = append(options, nameInfo{k, ℓ})
			}
		} else if rest, ok := strings.CutPrefix(st.Name, "d"); ok && rest != "" {
			names := make([]string, 0, len(forward))
			for name := range forward {
				names = append(names, name)
			}
			sort.Strings(names)
			for _, name := range names {
				info := forward[name]
				if rest == name || (backwardName(st.Name) && (strings.HasPrefix(name, rest) || strings.HasPrefix(rest, name))) {
					from = info
					options = []nameInfo{{nkDZ, info.layer}, {nkDA, info.layer}}
				}
			}
		}
		if len(options) == 0 || stage(i) {
			continue
		}
		o := out[i]
		var byValue, byShape []nameInfo
		if o.err == nil && o.v.M != nil && !o.v.S.Scalar {
			for _, info := range options {
				if !o.v.S.Same(c.p.wantShape(info)) {
					continue
				}
				byShape = append(byShape, info)
				t, alt, _ := c.p.truth(info, x)
				if compare.Matches(o.v.M, t) || (alt != nil && compare.Matches(o.v.M, alt)) {
					byValue = append(byValue, info)
				}
			}
		}
		var p *placement
		switch {
		case len(byValue) >= 1:
			p = &placement{byValue[0], "placed by its value"}
		case len(byShape) == 1:
			p = &placement{byShape[0], printf.Sprintf("placed by its shape, %s, which only %s has", o.v.S, byShape[0].canonical())}
		case from.kind != nkHelper && len(byShape) > 0:
			k := map[nameKind]nameKind{nkZ: nkDZ, nkA: nkDA}[from.kind]
			p = &placement{nameInfo{k, from.layer}, printf.Sprintf("placed beside %s, its value and shape fitting no target alone", from.canonical())}
		}
		if p == nil {
			if look {
				want, _, _ := lookalikeIn(st.Name, L)
				why := "its value is no target's"
				if o.err != nil {
					why = "its line cannot be evaluated"
				} else if len(byShape) > 1 {
					why = printf.Sprintf("its value is no target's, and %d have its shape %s", len(byShape), o.v.S)
				} else if !o.v.S.Scalar {
					why = printf.Sprintf("its value is no target's, and none has its shape %s", o.v.S)
				}
				example := options[0].canonical()
				errs = append(errs, errorf(st.NamePos, KindName, "%s carries no layer, and it could not be placed (%s): did you mean %s? Write the line with the layer's name, or add a line that names it, as in %s = %s",
					st.Name, why, want, example, st.Name))
			}
			continue
		}
		c.info[i] = p.info
		c.noteAt(i, printf.Sprintf("%s is checked as %s: %s", st.Name, p.info.canonical(), p.why))
	}
	return errs.err()
}

// noteAt adds a note to line i's result.
func (c *checker) noteAt(i int, note string) {
	if c.notes == nil {
		c.notes = map[int][]string{}
	}
	c.notes[i] = append(c.notes[i], note)
}

// backwardName reports whether a name reads as a gradient of another,
// d+NAME: dscores, dhidden (not placed on the forward pass even while it
// holds a forward value, as dscores = probs does).
func backwardName(name string) bool {
	return len(name) >= 4 && name[0] == 'd' && name[1] >= 'a' && name[1] <= 'z'
}

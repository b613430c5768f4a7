package forwardtest

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backproof/backproof/derive"
	"github.com/stretchr/testify/require"
)

// recorder is a testing.TB that records what Check reports.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// derivePass is derive's own forward pass as Check receives a pass's.
func derivePass(p *Problem, x int) Example {
	L := len(p.Net.Layers)
	e := Example{Z: make([][]float64, L+1), A: make([][]float64, L+1)}
	for ℓ := 1; ℓ <= L; ℓ++ {
		e.Z[ℓ] = append([]float64(nil), p.Z[ℓ].RawRowView(x)...)
		e.A[ℓ] = append([]float64(nil), p.A[ℓ].RawRowView(x)...)
	}
	e.C = p.Net.Cost.Value(e.A[L], p.Y.RawRowView(x))
	return e
}

// Check passes derive's own numbers, and catches a z moved by a few units
// of rounding more than its sum allows, an a one unit in the last place
// off where the bits must match, a cost off, and an a^1 moved without its
// z (the next layer's bound carries a's difference, the a check catches
// it).
func TestCheckCatches(t *testing.T) {
	problems := Problems()
	require.Len(t, problems, len(derive.Activations), "one problem per activation row")
	for _, p := range problems {
		for x := range p.Set.Len() {
			r := &recorder{TB: t}
			Check(r, NumgradReal, p, x, derivePass(p, x))
			require.Empty(t, r.errs, "derive against itself")
		}
		const x = 3
		cases := []struct {
			name  string
			spoil func(e *Example)
			want  string
		}{
			{"z off by 1e-9 relative", func(e *Example) { e.Z[2][1] *= 1 + 1e-9 }, "layer 2: z[1]"},
			{"a one ulp off", func(e *Example) { e.A[3][0] = math.Nextafter(e.A[3][0], 2) }, "layer 3: a[0]"},
			{"cost one ulp off", func(e *Example) { e.C = math.Nextafter(e.C, 2) }, "C_x"},
			{"a^1 moved without z^1", func(e *Example) { e.A[1][2] += 1e-3 }, "layer 1: a[2]"},
		}
		for _, c := range cases {
			e := derivePass(p, x)
			c.spoil(&e)
			r := &recorder{TB: t}
			Check(r, NumgradReal, p, x, e)
			require.NotEmpty(t, r.errs, "%s: %s not caught", p.Name, c.name)
			require.Contains(t, r.errs[0], c.want, "%s: %s", p.Name, c.name)
		}
	}
}

// The premise of the bound on z, on derive's side: derive's z^ℓ_k is
// within γ_{n+1}·(|b_k| + Σ_j |a_j W^ℓ[j,k]|) of the exact sum of its
// inputs (math/big, 200 bits), on every problem.
func TestDeriveWithinBound(t *testing.T) {
	for _, p := range Problems() {
		for x := range p.Set.Len() {
			for ℓ := 1; ℓ <= len(p.Net.Layers); ℓ++ {
				l := p.Net.Layers[ℓ-1]
				in, n := p.Net.Sizes()[ℓ-1], p.Net.Sizes()[ℓ]
				a := p.A[ℓ-1].RawRowView(x)
				for k := range n {
					exact := new(big.Float).SetPrec(200).SetFloat64(l.B[k])
					S := math.Abs(l.B[k])
					for j := range in {
						term := new(big.Float).SetPrec(200).SetFloat64(a[j])
						term.Mul(term, new(big.Float).SetFloat64(l.W.At(j, k)))
						exact.Add(exact, term)
						S += math.Abs(a[j] * l.W.At(j, k))
					}
					d := new(big.Float).Sub(exact, new(big.Float).SetFloat64(p.Z[ℓ].At(x, k)))
					diff, _ := d.Float64()
					require.LessOrEqual(t, math.Abs(diff), gamma(in+1)*S*(1+1e-12), "%s example %d layer %d z[%d]", p.Name, x, ℓ, k)
				}
			}
		}
	}
}

// Every pass declared here is checked by some test in the module.
func TestEveryPassRun(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "forwardtest.go", nil, 0)
	require.NoError(t, err)
	var names []string
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.VAR {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			for i, v := range vs.Values {
				if cl, ok := v.(*ast.CompositeLit); ok {
					if id, ok := cl.Type.(*ast.Ident); ok && id.Name == "Pass" && vs.Names[i].IsExported() {
						names = append(names, vs.Names[i].Name)
					}
				}
			}
		}
	}
	require.Len(t, names, len(Passes), "Passes lists every Pass declared")
	var tests strings.Builder
	root := filepath.Join("..", "..")
	require.NoError(t, filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, "_test.go") || strings.Contains(path, "forwardtest") {
			return err
		}
		b, err := os.ReadFile(path)
		tests.Write(b)
		return err
	}))
	for _, name := range names {
		require.Contains(t, tests.String(), "forwardtest.Check(t, forwardtest."+name+",", "no test runs %s", name)
	}
}

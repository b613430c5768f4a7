package derive

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// mul sets c = a b, as c.Mul(a, b) does; on one goroutine when the net
// keeps to one core (Net.Cores).
func (n *Net) mul(c *mat.Dense, a, b mat.Matrix) {
	if n.Cores == 1 {
		mulOneCore(c, a, b)
		return
	}
	c.Mul(a, b)
}

// gonum's blocking of a product (blas/gonum): c is cut into blocks of
// gemmBlock × gemmBlock entries, and from gemmMinBlocks blocks on each is
// computed on a goroutine of its own, along k a block at a time in order.
const (
	gemmBlock     = 64
	gemmMinBlocks = 4
)

// mulOneCore is c.Mul(a, b) without the goroutines: the same blocks of c,
// each summed along k a block at a time in the same order by the same
// serial loop (a product of at most one block each way is serial in
// gonum), so every entry of c is the same sum to the bit
// (TestMulOneCoreIsMul). a and b are *mat.Dense or their T(); anything
// else goes to c.Mul.
func mulOneCore(c *mat.Dense, a, b mat.Matrix) {
	m, k := a.Dims()
	kb, n := b.Dims()
	A, tA, okA := rawOp(a)
	B, tB, okB := rawOp(b)
	if !okA || !okB || k != kb || blocks(m)*blocks(n) < gemmMinBlocks {
		c.Mul(a, b)
		return
	}
	if c.IsEmpty() {
		c.ReuseAs(m, n)
	} else if r, cc := c.Dims(); r != m || cc != n {
		panic(mat.ErrShape)
	} else {
		c.Zero()
	}
	C := c.RawMatrix()
	for i := 0; i < m; i += gemmBlock {
		ni := min(gemmBlock, m-i)
		for j := 0; j < n; j += gemmBlock {
			nj := min(gemmBlock, n-j)
			sub := blas64.General{Rows: ni, Cols: nj, Stride: C.Stride, Data: C.Data[i*C.Stride+j:]}
			for l := 0; l < k; l += gemmBlock {
				nl := min(gemmBlock, k-l)
				blas64.Gemm(tA, tB, 1, part(A, tA, i, ni, l, nl), part(B, tB, l, nl, j, nj), 1, sub)
			}
		}
	}
}

func blocks(n int) int { return (n + gemmBlock - 1) / gemmBlock }

// rawOp returns m's matrix as stored and whether m is its transpose.
func rawOp(m mat.Matrix) (blas64.General, blas.Transpose, bool) {
	switch m := m.(type) {
	case *mat.Dense:
		return m.RawMatrix(), blas.NoTrans, true
	case mat.Transpose:
		if d, ok := m.Matrix.(*mat.Dense); ok {
			return d.RawMatrix(), blas.Trans, true
		}
	}
	return blas64.General{}, blas.NoTrans, false
}

// part is rows [r, r+nr) and columns [c, c+nc) of op(M), as the stored
// matrix's view to pass with t.
func part(M blas64.General, t blas.Transpose, r, nr, c, nc int) blas64.General {
	if t == blas.Trans {
		r, nr, c, nc = c, nc, r, nr
	}
	return blas64.General{Rows: nr, Cols: nc, Stride: M.Stride, Data: M.Data[r*M.Stride+c:]}
}

//go:build !purego

#include "textflag.h"

DATA sqconst<>+0(SB)/8, $0x3fc5555555555555 // 1.0/6, rounded as Go rounds the constant
DATA sqconst<>+8(SB)/8, $0x3fe0000000000000 // 0.5
DATA sqconst<>+16(SB)/8, $0x3ff0000000000000 // 1
DATA sqconst<>+24(SB)/8, $0x7fffffffffffffff // |x|: all bits but the sign
GLOBL sqconst<>(SB), RODATA|NOPTR, $32

// func movedSquaresAVX2(acc, da, w, a, c, r *float64, n, nu int, scale float64)
//
// n is a positive multiple of 4, nu ≥ 1. For each block of four entries,
// Y0 = da[i:i+4] and Y1 = Σ_u e_u², summed over u in order; each line is
// one operation of movedSquaresGo, rounded as it rounds (fused where it
// calls math.FMA, and only there).
TEXT ·movedSquaresAVX2(SB), NOSPLIT, $0-72
	MOVQ acc+0(FP), DI
	MOVQ da+8(FP), SI
	MOVQ w+16(FP), R8
	MOVQ a+24(FP), R9
	MOVQ c+32(FP), R10
	MOVQ r+40(FP), R11
	MOVQ n+48(FP), CX
	MOVQ nu+56(FP), DX
	VBROADCASTSD scale+64(FP), Y15
	VBROADCASTSD sqconst<>+0(SB), Y14  // 1/6
	VBROADCASTSD sqconst<>+8(SB), Y13  // 1/2
	VBROADCASTSD sqconst<>+16(SB), Y12 // 1

block:
	VMOVUPD (SI), Y0      // da
	VXORPD  Y1, Y1, Y1    // s = 0
	XORQ    BX, BX        // u = 0

output:
	VBROADCASTSD (R8)(BX*8), Y2  // w[u]
	VMULPD       Y2, Y0, Y2      // d = da·w
	VMOVAPD      Y2, Y3
	VFNMADD213PD Y13, Y14, Y3    // 1/2 − d·(1/6), fused
	VFMSUB213PD  Y12, Y2, Y3     // d·(…) − 1, fused
	VMULPD       Y3, Y2, Y3      // m = d·(…) = e^{−d} − 1
	VBROADCASTSD (R10)(BX*8), Y4 // c[u]
	VMULPD       Y3, Y4, Y3      // t = c·m
	VSUBPD       Y3, Y12, Y4     // 1 − t
	VFMSUB213PD  Y12, Y3, Y4     // t·(1 − t) − 1, fused
	VBROADCASTSD (R9)(BX*8), Y5  // a[u]
	VMULPD       Y3, Y5, Y5      // a·t
	VBROADCASTSD (R11)(BX*8), Y6 // r[u]
	VFMADD231PD  Y4, Y5, Y6      // e = a·t·(…) + r, fused
	VMULPD       Y6, Y6, Y6      // e²
	VADDPD       Y6, Y1, Y1      // s += e²
	INCQ         BX
	CMPQ         BX, DX
	JLT          output

	VMULPD  Y15, Y1, Y1  // s·scale
	VMOVUPD (DI), Y2
	VADDPD  Y1, Y2, Y2   // acc += s·scale
	VMOVUPD Y2, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $4, CX
	JGT     block

	VZEROUPPER
	RET

// func movesPairsAVX2(moves, delta, in *float64, pairs int, a, c float64) (maxDz, maxMove float64)
//
// pairs ≥ 1. Each block is two entries' two points: Y0 = dz =
// delta[4p:4p+4] · (in[2p], in[2p], in[2p+1], in[2p+1]), then
// kernel.SigmoidMove(a, c, dz) operation by operation; Y9 and Y8 keep the
// largest |dz| and |move| of each lane.
TEXT ·movesPairsAVX2(SB), NOSPLIT, $0-64
	MOVQ moves+0(FP), DI
	MOVQ delta+8(FP), SI
	MOVQ in+16(FP), R8
	MOVQ pairs+24(FP), CX
	VBROADCASTSD a+32(FP), Y15
	VBROADCASTSD c+40(FP), Y14
	VBROADCASTSD sqconst<>+0(SB), Y13  // 1/6
	VBROADCASTSD sqconst<>+8(SB), Y12  // 1/2
	VBROADCASTSD sqconst<>+16(SB), Y11 // 1
	VBROADCASTSD sqconst<>+24(SB), Y10 // |·| mask
	VXORPD       Y9, Y9, Y9            // max |dz|
	VXORPD       Y8, Y8, Y8            // max |move|

pair:
	VMOVUPD (R8), X0          // in[2p], in[2p+1]
	VPERMPD $0x50, Y0, Y0     // in[2p], in[2p], in[2p+1], in[2p+1]
	VMULPD  (SI), Y0, Y0      // dz = delta·in
	VANDPD  Y10, Y0, Y1
	VMAXPD  Y1, Y9, Y9        // max |dz|
	VMOVAPD      Y0, Y2
	VFNMADD213PD Y12, Y13, Y2 // 1/2 − dz·(1/6), fused
	VFMSUB213PD  Y11, Y0, Y2  // dz·(…) − 1, fused
	VMULPD       Y2, Y0, Y2   // m = e^{−dz} − 1
	VMULPD       Y2, Y14, Y2  // t = c·m
	VSUBPD       Y2, Y11, Y3  // 1 − t
	VFMSUB213PD  Y11, Y2, Y3  // t·(1 − t) − 1, fused
	VMULPD       Y2, Y15, Y2  // a·t
	VMULPD       Y3, Y2, Y2   // move = a·t·(t·(1 − t) − 1)
	VMOVUPD Y2, (DI)
	VANDPD  Y10, Y2, Y2
	VMAXPD  Y2, Y8, Y8        // max |move|
	ADDQ    $16, R8
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNZ     pair

	VEXTRACTF128 $1, Y9, X1
	VMAXPD       X1, X9, X9
	VPERMILPD    $1, X9, X1
	VMAXPD       X1, X9, X9
	MOVSD        X9, maxDz+48(FP)
	VEXTRACTF128 $1, Y8, X1
	VMAXPD       X1, X8, X8
	VPERMILPD    $1, X8, X1
	VMAXPD       X1, X8, X8
	MOVSD        X8, maxMove+56(FP)
	VZEROUPPER
	RET

// func movedSquaresAVX512(acc, da, w, a, c, r *float64, n, nu int, scale float64)
//
// movedSquaresAVX2 on 16 entries at a time, n a positive multiple of 16:
// Z0 and Z1 hold da[i:i+16], Z8 and Z9 their sums Σ_u e_u²; each pair of
// lines is one operation of movedSquaresGo on both.
TEXT ·movedSquaresAVX512(SB), NOSPLIT, $0-72
	MOVQ acc+0(FP), DI
	MOVQ da+8(FP), SI
	MOVQ w+16(FP), R8
	MOVQ a+24(FP), R9
	MOVQ c+32(FP), R10
	MOVQ r+40(FP), R11
	MOVQ n+48(FP), CX
	MOVQ nu+56(FP), DX
	VBROADCASTSD scale+64(FP), Z15
	VBROADCASTSD sqconst<>+0(SB), Z14  // 1/6
	VBROADCASTSD sqconst<>+8(SB), Z13  // 1/2
	VBROADCASTSD sqconst<>+16(SB), Z12 // 1

block16:
	VMOVUPD (SI), Z0
	VMOVUPD 64(SI), Z1
	VPXORQ  Z8, Z8, Z8
	VPXORQ  Z9, Z9, Z9
	XORQ    BX, BX

output16:
	VBROADCASTSD (R8)(BX*8), Z4  // w[u]
	VMULPD       Z4, Z0, Z2      // d = da·w
	VMULPD       Z4, Z1, Z3
	VMOVAPD      Z2, Z6
	VMOVAPD      Z3, Z7
	VFNMADD213PD Z13, Z14, Z6    // 1/2 − d·(1/6), fused
	VFNMADD213PD Z13, Z14, Z7
	VFMSUB213PD  Z12, Z2, Z6     // d·(…) − 1, fused
	VFMSUB213PD  Z12, Z3, Z7
	VMULPD       Z6, Z2, Z6      // m = d·(…) = e^{−d} − 1
	VMULPD       Z7, Z3, Z7
	VBROADCASTSD (R10)(BX*8), Z4 // c[u]
	VMULPD       Z6, Z4, Z6      // t = c·m
	VMULPD       Z7, Z4, Z7
	VSUBPD       Z6, Z12, Z2     // 1 − t
	VSUBPD       Z7, Z12, Z3
	VFMSUB213PD  Z12, Z6, Z2     // t·(1 − t) − 1, fused
	VFMSUB213PD  Z12, Z7, Z3
	VBROADCASTSD (R9)(BX*8), Z4  // a[u]
	VMULPD       Z6, Z4, Z6      // a·t
	VMULPD       Z7, Z4, Z7
	VBROADCASTSD (R11)(BX*8), Z4 // r[u]
	VFMADD213PD  Z4, Z2, Z6      // e = a·t·(…) + r, fused
	VFMADD213PD  Z4, Z3, Z7
	VMULPD       Z6, Z6, Z6      // e²
	VMULPD       Z7, Z7, Z7
	VADDPD       Z6, Z8, Z8      // s += e²
	VADDPD       Z7, Z9, Z9
	INCQ         BX
	CMPQ         BX, DX
	JLT          output16

	VMULPD  Z15, Z8, Z8     // s·scale
	VMULPD  Z15, Z9, Z9
	VMOVUPD (DI), Z2
	VMOVUPD 64(DI), Z3
	VADDPD  Z8, Z2, Z2      // acc += s·scale
	VADDPD  Z9, Z3, Z3
	VMOVUPD Z2, (DI)
	VMOVUPD Z3, 64(DI)
	ADDQ    $128, SI
	ADDQ    $128, DI
	SUBQ    $16, CX
	JGT     block16

	VZEROUPPER
	RET

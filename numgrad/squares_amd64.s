//go:build !purego

#include "textflag.h"

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv() (eax uint32)
TEXT ·xgetbv(SB), NOSPLIT, $0-4
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	RET

DATA sqconst<>+0(SB)/8, $0x3fc5555555555555 // 1.0/6, rounded as Go rounds the constant
DATA sqconst<>+8(SB)/8, $0x3fe0000000000000 // 0.5
DATA sqconst<>+16(SB)/8, $0x3ff0000000000000 // 1
GLOBL sqconst<>(SB), RODATA|NOPTR, $24

// func movedSquaresAVX2(acc, da, w, a, c, r *float64, n, nu int, scale float64)
//
// n is a positive multiple of 4, nu ≥ 1. For each block of four entries,
// Y0 = da[i:i+4] and Y1 = Σ_u e_u², summed over u in order; each line is
// one operation of movedSquaresGo, rounded as it rounds (no FMA).
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
	VMULPD       Y14, Y2, Y3     // d·(1/6)
	VSUBPD       Y3, Y13, Y3     // 1/2 − d/6
	VMULPD       Y3, Y2, Y3      // d·(1/2 − d/6)
	VSUBPD       Y12, Y3, Y3     // −1 + d·(…)
	VMULPD       Y3, Y2, Y3      // m = d·(…) = e^{−d} − 1
	VBROADCASTSD (R10)(BX*8), Y4 // c[u]
	VMULPD       Y3, Y4, Y3      // t = c·m
	VSUBPD       Y3, Y12, Y4     // 1 − t
	VMULPD       Y4, Y3, Y4      // t·(1 − t)
	VSUBPD       Y12, Y4, Y4     // −1 + t·(1 − t)
	VBROADCASTSD (R9)(BX*8), Y5  // a[u]
	VMULPD       Y3, Y5, Y5      // a·t
	VMULPD       Y4, Y5, Y5      // a·t·(−1 + t·(1 − t))
	VBROADCASTSD (R11)(BX*8), Y6 // r[u]
	VADDPD       Y5, Y6, Y5      // e = r + …
	VMULPD       Y5, Y5, Y5      // e²
	VADDPD       Y5, Y1, Y1      // s += e²
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

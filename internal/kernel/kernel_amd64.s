//go:build !purego

#include "textflag.h"

// The 32 float64 at (R) into Y0–Y7 (AVX2) or Z0–Z3 (AVX-512), and back.
#define LOADY(R) VMOVUPD 0(R), Y0; VMOVUPD 32(R), Y1; VMOVUPD 64(R), Y2; VMOVUPD 96(R), Y3; \
	VMOVUPD 128(R), Y4; VMOVUPD 160(R), Y5; VMOVUPD 192(R), Y6; VMOVUPD 224(R), Y7
#define STOREY(R) VMOVUPD Y0, 0(R); VMOVUPD Y1, 32(R); VMOVUPD Y2, 64(R); VMOVUPD Y3, 96(R); \
	VMOVUPD Y4, 128(R); VMOVUPD Y5, 160(R); VMOVUPD Y6, 192(R); VMOVUPD Y7, 224(R)
#define LOADZ(R) VMOVUPD 0(R), Z0; VMOVUPD 64(R), Z1; VMOVUPD 128(R), Z2; VMOVUPD 192(R), Z3
#define STOREZ(R) VMOVUPD Z0, 0(R); VMOVUPD Z1, 64(R); VMOVUPD Z2, 128(R); VMOVUPD Z3, 192(R)

// The arguments of gather32… and scatter32…: DI = dst (gather) or v
// (scatter), SI = w, DX = bytes per row of w, BX = rows, R8 = len(rows),
// CX = coef, R10 = nrows; bad = −1 until a row is found outside.
#define GATHERARGS MOVQ nrows+104(FP), R10; MOVQ $-1, bad+112(FP); MOVQ dst_base+0(FP), DI; MOVQ w_base+24(FP), SI; \
	MOVQ stride+48(FP), DX; SHLQ $3, DX; MOVQ rows_base+56(FP), BX; MOVQ rows_len+64(FP), R8; MOVQ coef_base+80(FP), CX
#define SCATTERARGS MOVQ nrows+104(FP), R10; MOVQ $-1, bad+112(FP); MOVQ w_base+0(FP), SI; MOVQ stride+24(FP), DX; \
	SHLQ $3, DX; MOVQ rows_base+32(FP), BX; MOVQ rows_len+40(FP), R8; MOVQ coef_base+56(FP), CX; MOVQ v_base+80(FP), DI

// Return bad = the place in the list of the row BX points at.
#define RETURNBAD(ROWS) SUBQ ROWS, BX; SHRQ $2, BX; MOVQ BX, bad+112(FP); VZEROUPPER; RET

// func gather32avx2(dst, w []float64, stride int, rows []int32, coef []float64)
//
// Y0–Y7 hold dst[0:32]. For each p: Y8 = coef[p] in all four lanes, AX =
// the byte offset of row rows[p], and Yi += Y8 · w[row][4i:4i+4], fused.
TEXT ·gather32avx2(SB), NOSPLIT, $0-120
	GATHERARGS
	LOADY(DI)
	TESTQ R8, R8
	JZ gatherdone

gatherloop:
	MOVLQSX (BX), AX
	CMPQ AX, R10
	JAE gatherbad                // a row < 0 or ≥ nrows
	IMULQ DX, AX
	VBROADCASTSD (CX), Y8
	VFMADD231PD 0(SI)(AX*1), Y8, Y0
	VFMADD231PD 32(SI)(AX*1), Y8, Y1
	VFMADD231PD 64(SI)(AX*1), Y8, Y2
	VFMADD231PD 96(SI)(AX*1), Y8, Y3
	VFMADD231PD 128(SI)(AX*1), Y8, Y4
	VFMADD231PD 160(SI)(AX*1), Y8, Y5
	VFMADD231PD 192(SI)(AX*1), Y8, Y6
	VFMADD231PD 224(SI)(AX*1), Y8, Y7
	ADDQ $4, BX
	ADDQ $8, CX
	DECQ R8
	JNZ gatherloop

gatherdone:
	STOREY(DI)
	VZEROUPPER
	RET

gatherbad:
	RETURNBAD(rows_base+56(FP))

// func scatter32avx2(w []float64, stride int, rows []int32, coef, v []float64)
//
// Y0–Y7 hold v[0:32]. For each p: Y8 = coef[p] in all four lanes, AX = the
// address of row rows[p], and w[row][4i:4i+4] += Y8 · Yi, fused.
TEXT ·scatter32avx2(SB), NOSPLIT, $0-120
	SCATTERARGS
	LOADY(DI)
	TESTQ R8, R8
	JZ scatterdone

scatterloop:
	MOVLQSX (BX), AX
	CMPQ AX, R10
	JAE scatterbad
	IMULQ DX, AX
	ADDQ SI, AX
	VBROADCASTSD (CX), Y8
	VMOVUPD 0(AX), Y9
	VMOVUPD 32(AX), Y10
	VMOVUPD 64(AX), Y11
	VMOVUPD 96(AX), Y12
	VFMADD231PD Y8, Y0, Y9
	VFMADD231PD Y8, Y1, Y10
	VFMADD231PD Y8, Y2, Y11
	VFMADD231PD Y8, Y3, Y12
	VMOVUPD Y9, 0(AX)
	VMOVUPD Y10, 32(AX)
	VMOVUPD Y11, 64(AX)
	VMOVUPD Y12, 96(AX)
	VMOVUPD 128(AX), Y9
	VMOVUPD 160(AX), Y10
	VMOVUPD 192(AX), Y11
	VMOVUPD 224(AX), Y12
	VFMADD231PD Y8, Y4, Y9
	VFMADD231PD Y8, Y5, Y10
	VFMADD231PD Y8, Y6, Y11
	VFMADD231PD Y8, Y7, Y12
	VMOVUPD Y9, 128(AX)
	VMOVUPD Y10, 160(AX)
	VMOVUPD Y11, 192(AX)
	VMOVUPD Y12, 224(AX)
	ADDQ $4, BX
	ADDQ $8, CX
	DECQ R8
	JNZ scatterloop

scatterdone:
	VZEROUPPER
	RET

scatterbad:
	RETURNBAD(rows_base+32(FP))


// func gather32avx512(dst, w []float64, stride int, rows []int32, coef []float64)
//
// gather32avx2 with AVX-512: Z0–Z3 hold dst[0:32] and take the list's even
// entries, Z4–Z7 start at 0 and take its odd ones, so that two rows'
// multiply-adds are in flight at once (each chain waits for its previous
// sum); at the end dst = (Z0–Z3) + (Z4–Z7).
TEXT ·gather32avx512(SB), NOSPLIT, $0-120
	GATHERARGS
	LOADZ(DI)
	VPXORQ Z4, Z4, Z4
	VPXORQ Z5, Z5, Z5
	VPXORQ Z6, Z6, Z6
	VPXORQ Z7, Z7, Z7
	CMPQ R8, $2
	JLT g512tail

g512loop:
	MOVLQSX (BX), AX
	MOVLQSX 4(BX), R9
	CMPQ AX, R10
	JAE g512bad
	CMPQ R9, R10
	JAE g512bad1
	IMULQ DX, AX
	IMULQ DX, R9
	VBROADCASTSD (CX), Z8
	VBROADCASTSD 8(CX), Z9
	VFMADD231PD 0(SI)(AX*1), Z8, Z0
	VFMADD231PD 64(SI)(AX*1), Z8, Z1
	VFMADD231PD 128(SI)(AX*1), Z8, Z2
	VFMADD231PD 192(SI)(AX*1), Z8, Z3
	VFMADD231PD 0(SI)(R9*1), Z9, Z4
	VFMADD231PD 64(SI)(R9*1), Z9, Z5
	VFMADD231PD 128(SI)(R9*1), Z9, Z6
	VFMADD231PD 192(SI)(R9*1), Z9, Z7
	ADDQ $8, BX
	ADDQ $16, CX
	SUBQ $2, R8
	CMPQ R8, $2
	JGE g512loop

g512tail:
	TESTQ R8, R8
	JZ g512done
	MOVLQSX (BX), AX
	CMPQ AX, R10
	JAE g512bad
	IMULQ DX, AX
	VBROADCASTSD (CX), Z8
	VFMADD231PD 0(SI)(AX*1), Z8, Z0
	VFMADD231PD 64(SI)(AX*1), Z8, Z1
	VFMADD231PD 128(SI)(AX*1), Z8, Z2
	VFMADD231PD 192(SI)(AX*1), Z8, Z3

g512done:
	VADDPD Z4, Z0, Z0
	VADDPD Z5, Z1, Z1
	VADDPD Z6, Z2, Z2
	VADDPD Z7, Z3, Z3
	STOREZ(DI)
	VZEROUPPER
	RET

g512bad1:
	ADDQ $4, BX

g512bad:
	RETURNBAD(rows_base+56(FP))

// func scatter32avx512(w []float64, stride int, rows []int32, coef, v []float64)
//
// scatter32avx2 with AVX-512: Z0–Z3 hold v[0:32].
TEXT ·scatter32avx512(SB), NOSPLIT, $0-120
	SCATTERARGS
	LOADZ(DI)
	TESTQ R8, R8
	JZ s512done

s512loop:
	MOVLQSX (BX), AX
	CMPQ AX, R10
	JAE s512bad
	IMULQ DX, AX
	ADDQ SI, AX
	VBROADCASTSD (CX), Z8
	VMOVUPD 0(AX), Z9
	VMOVUPD 64(AX), Z10
	VMOVUPD 128(AX), Z11
	VMOVUPD 192(AX), Z12
	VFMADD231PD Z8, Z0, Z9
	VFMADD231PD Z8, Z1, Z10
	VFMADD231PD Z8, Z2, Z11
	VFMADD231PD Z8, Z3, Z12
	VMOVUPD Z9, 0(AX)
	VMOVUPD Z10, 64(AX)
	VMOVUPD Z11, 128(AX)
	VMOVUPD Z12, 192(AX)
	ADDQ $4, BX
	ADDQ $8, CX
	DECQ R8
	JNZ s512loop

s512done:
	VZEROUPPER
	RET

s512bad:
	RETURNBAD(rows_base+32(FP))

// Constants of sigmoidAVX512: the clamp of x = −z, log₂e, ln 2 in two
// parts (math/exp.go's), and 1/n! for n = 13 … 0.
DATA sigconst<>+0(SB)/8, $710.0
DATA sigconst<>+8(SB)/8, $-746.0
DATA sigconst<>+16(SB)/8, $1.44269504088896338700e+00
DATA sigconst<>+24(SB)/8, $6.93147180369123816490e-01
DATA sigconst<>+32(SB)/8, $1.90821492927058770002e-10
DATA sigconst<>+40(SB)/8, $1.6059043836821613e-10
DATA sigconst<>+48(SB)/8, $2.08767569878681e-09
DATA sigconst<>+56(SB)/8, $2.505210838544172e-08
DATA sigconst<>+64(SB)/8, $2.755731922398589e-07
DATA sigconst<>+72(SB)/8, $2.7557319223985893e-06
DATA sigconst<>+80(SB)/8, $2.48015873015873e-05
DATA sigconst<>+88(SB)/8, $0.0001984126984126984
DATA sigconst<>+96(SB)/8, $0.001388888888888889
DATA sigconst<>+104(SB)/8, $0.008333333333333333
DATA sigconst<>+112(SB)/8, $0.041666666666666664
DATA sigconst<>+120(SB)/8, $0.16666666666666666
DATA sigconst<>+128(SB)/8, $0.5
DATA sigconst<>+136(SB)/8, $1.0
GLOBL sigconst<>(SB), RODATA|NOPTR, $144

// func sigmoidAVX512(a, z []float64)
//
// a[k] = 1/(1 + e^x), x = −z[k], eight at a time (the last ones under a
// mask): x clamped to [−746, 710] (a NaN stays NaN), x = k·ln 2 + r with
// k = round(x·log₂e) and |r| ≤ ln 2/2, e^r by its Taylor series to r¹³
// (the first term left out is below 5e−18), and e^x = e^r·2^k by
// VSCALEFPD, which gives +Inf past the largest float64 and 0 below the
// smallest, as math.Exp does.
TEXT ·sigmoidAVX512(SB), NOSPLIT, $0-48
	MOVQ a_base+0(FP), DI
	MOVQ z_base+24(FP), SI
	MOVQ z_len+32(FP), CX
	VBROADCASTSD sigconst<>+0(SB), Z16
	VBROADCASTSD sigconst<>+8(SB), Z17
	VBROADCASTSD sigconst<>+16(SB), Z18
	VBROADCASTSD sigconst<>+24(SB), Z19
	VBROADCASTSD sigconst<>+32(SB), Z20
	VBROADCASTSD sigconst<>+40(SB), Z21
	VBROADCASTSD sigconst<>+48(SB), Z22
	VBROADCASTSD sigconst<>+56(SB), Z23
	VBROADCASTSD sigconst<>+64(SB), Z24
	VBROADCASTSD sigconst<>+72(SB), Z25
	VBROADCASTSD sigconst<>+80(SB), Z26
	VBROADCASTSD sigconst<>+88(SB), Z27
	VBROADCASTSD sigconst<>+96(SB), Z28
	VBROADCASTSD sigconst<>+104(SB), Z29
	VBROADCASTSD sigconst<>+112(SB), Z30
	VBROADCASTSD sigconst<>+120(SB), Z31
	VBROADCASTSD sigconst<>+128(SB), Z14
	VBROADCASTSD sigconst<>+136(SB), Z15
	MOVQ $0xff, AX
	KMOVW AX, K1

sigloop:
	CMPQ CX, $8
	JGE sigfull
	TESTQ CX, CX
	JZ sigdone
	MOVQ $1, AX
	SHLQ CX, AX
	DECQ AX
	KMOVW AX, K1
	MOVQ $8, CX                  // the last, masked, turn

sigfull:
	VMOVUPD.Z (SI), K1, Z0
	VXORPD Z1, Z1, Z1
	VSUBPD Z0, Z1, Z0            // x = −z
	VMINPD Z0, Z16, Z0           // min(710, x), x if NaN
	VMAXPD Z0, Z17, Z0           // max(−746, x), x if NaN
	VMULPD Z18, Z0, Z1
	VRNDSCALEPD $0, Z1, Z1       // k = round(x·log₂e), to nearest even
	VMOVAPD Z0, Z2
	VFNMADD231PD Z19, Z1, Z2     // r = x − k·ln2hi
	VFNMADD231PD Z20, Z1, Z2     // r −= k·ln2lo
	VMOVAPD Z21, Z3              // p = 1/13!
	VFMADD213PD Z22, Z2, Z3      // p = p·r + 1/12!
	VFMADD213PD Z23, Z2, Z3
	VFMADD213PD Z24, Z2, Z3
	VFMADD213PD Z25, Z2, Z3
	VFMADD213PD Z26, Z2, Z3
	VFMADD213PD Z27, Z2, Z3
	VFMADD213PD Z28, Z2, Z3
	VFMADD213PD Z29, Z2, Z3
	VFMADD213PD Z30, Z2, Z3
	VFMADD213PD Z31, Z2, Z3
	VFMADD213PD Z14, Z2, Z3      // … + 1/2!
	VFMADD213PD Z15, Z2, Z3      // … + 1
	VFMADD213PD Z15, Z2, Z3      // … + 1 = e^r
	VSCALEFPD Z1, Z3, Z3         // e^x = e^r·2^k
	VADDPD Z15, Z3, Z3
	VDIVPD Z3, Z15, Z3           // 1/(1 + e^x)
	VMOVUPD Z3, K1, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $8, CX
	JMP sigloop

sigdone:
	VZEROUPPER
	RET

// func Prefetch(col []int32, val []float64)
//
// PREFETCHT0 for every cache line of col and val: the lines are on their
// way when the step reaches them, and nothing waits for them here.
TEXT ·Prefetch(SB), NOSPLIT, $0-48
	MOVQ col_base+0(FP), SI
	MOVQ col_len+8(FP), CX
	LEAQ (SI)(CX*4), DX
	ANDQ $-64, SI
colloop:
	CMPQ SI, DX
	JAE valstart
	PREFETCHT0 (SI)
	ADDQ $64, SI
	JMP colloop
valstart:
	MOVQ val_base+24(FP), SI
	MOVQ val_len+32(FP), CX
	LEAQ (SI)(CX*8), DX
	ANDQ $-64, SI
valloop:
	CMPQ SI, DX
	JAE prefetchdone
	PREFETCHT0 (SI)
	ADDQ $64, SI
	JMP valloop
prefetchdone:
	RET

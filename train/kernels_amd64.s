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

// func gather32avx2(dst, w []float64, stride int, rows []int32, coef []float64)
//
// Y0–Y7 hold dst[0:32]. For each p: Y8 = coef[p] in all four lanes, AX =
// the byte offset of row rows[p], and Yi += Y8 · w[row][4i:4i+4], fused.
TEXT ·gather32avx2(SB), NOSPLIT, $0-104
	MOVQ dst_base+0(FP), DI
	MOVQ w_base+24(FP), SI
	MOVQ stride+48(FP), DX
	SHLQ $3, DX                  // bytes per row
	MOVQ rows_base+56(FP), BX
	MOVQ rows_len+64(FP), R8
	MOVQ coef_base+80(FP), CX
	VMOVUPD 0(DI), Y0
	VMOVUPD 32(DI), Y1
	VMOVUPD 64(DI), Y2
	VMOVUPD 96(DI), Y3
	VMOVUPD 128(DI), Y4
	VMOVUPD 160(DI), Y5
	VMOVUPD 192(DI), Y6
	VMOVUPD 224(DI), Y7
	TESTQ R8, R8
	JZ gatherdone

gatherloop:
	MOVLQSX (BX), AX
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
	VMOVUPD Y0, 0(DI)
	VMOVUPD Y1, 32(DI)
	VMOVUPD Y2, 64(DI)
	VMOVUPD Y3, 96(DI)
	VMOVUPD Y4, 128(DI)
	VMOVUPD Y5, 160(DI)
	VMOVUPD Y6, 192(DI)
	VMOVUPD Y7, 224(DI)
	VZEROUPPER
	RET

// func scatter32avx2(w []float64, stride int, rows []int32, coef, v []float64)
//
// Y0–Y7 hold v[0:32]. For each p: Y8 = coef[p] in all four lanes, AX = the
// address of row rows[p], and w[row][4i:4i+4] += Y8 · Yi, fused.
TEXT ·scatter32avx2(SB), NOSPLIT, $0-104
	MOVQ w_base+0(FP), SI
	MOVQ stride+24(FP), DX
	SHLQ $3, DX                  // bytes per row
	MOVQ rows_base+32(FP), BX
	MOVQ rows_len+40(FP), R8
	MOVQ coef_base+56(FP), CX
	MOVQ v_base+80(FP), DI
	VMOVUPD 0(DI), Y0
	VMOVUPD 32(DI), Y1
	VMOVUPD 64(DI), Y2
	VMOVUPD 96(DI), Y3
	VMOVUPD 128(DI), Y4
	VMOVUPD 160(DI), Y5
	VMOVUPD 192(DI), Y6
	VMOVUPD 224(DI), Y7
	TESTQ R8, R8
	JZ scatterdone

scatterloop:
	MOVLQSX (BX), AX
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


// func gather32avx512(dst, w []float64, stride int, rows []int32, coef []float64)
//
// gather32avx2 with AVX-512: Z0–Z3 hold dst[0:32] and take the list's even
// entries, Z4–Z7 start at 0 and take its odd ones, so that two rows'
// multiply-adds are in flight at once (each chain waits for its previous
// sum); at the end dst = (Z0–Z3) + (Z4–Z7).
TEXT ·gather32avx512(SB), NOSPLIT, $0-104
	MOVQ dst_base+0(FP), DI
	MOVQ w_base+24(FP), SI
	MOVQ stride+48(FP), DX
	SHLQ $3, DX                  // bytes per row
	MOVQ rows_base+56(FP), BX
	MOVQ rows_len+64(FP), R8
	MOVQ coef_base+80(FP), CX
	VMOVUPD 0(DI), Z0
	VMOVUPD 64(DI), Z1
	VMOVUPD 128(DI), Z2
	VMOVUPD 192(DI), Z3
	VPXORQ Z4, Z4, Z4
	VPXORQ Z5, Z5, Z5
	VPXORQ Z6, Z6, Z6
	VPXORQ Z7, Z7, Z7
	CMPQ R8, $2
	JLT g512tail

g512loop:
	MOVLQSX (BX), AX
	MOVLQSX 4(BX), R9
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
	VMOVUPD Z0, 0(DI)
	VMOVUPD Z1, 64(DI)
	VMOVUPD Z2, 128(DI)
	VMOVUPD Z3, 192(DI)
	VZEROUPPER
	RET

// func scatter32avx512(w []float64, stride int, rows []int32, coef, v []float64)
//
// scatter32avx2 with AVX-512: Z0–Z3 hold v[0:32].
TEXT ·scatter32avx512(SB), NOSPLIT, $0-104
	MOVQ w_base+0(FP), SI
	MOVQ stride+24(FP), DX
	SHLQ $3, DX                  // bytes per row
	MOVQ rows_base+32(FP), BX
	MOVQ rows_len+40(FP), R8
	MOVQ coef_base+56(FP), CX
	MOVQ v_base+80(FP), DI
	VMOVUPD 0(DI), Z0
	VMOVUPD 64(DI), Z1
	VMOVUPD 128(DI), Z2
	VMOVUPD 192(DI), Z3
	TESTQ R8, R8
	JZ s512done

s512loop:
	MOVLQSX (BX), AX
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

// Philox-4x32-10 Gaussians, bit-identical to io.github.infinitewidth.random.GaussianStream
// (LIMITS.md section 6). The porting contract of DeterministicMath is followed literally:
// every floating-point operation is an explicit round-to-nearest intrinsic (__dadd_rn,
// __dmul_rn, __ddiv_rn, __dsqrt_rn), which nvcc never contracts into a fused multiply-add,
// in the order and with the parenthesisation of the Java source; constants are the same
// hexadecimal literals.
#pragma once
#include "common.cuh"

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

// Philox4x32.block: ten rounds, the key bumped by the Weyl constants between rounds.
__device__ inline void philox_block(unsigned c0, unsigned c1, unsigned c2, unsigned c3,
                                    unsigned k0, unsigned k1, unsigned out[4]) {
    for (int round = 0; round < 10; round++) {
        if (round > 0) {
            k0 += PHILOX_W0;
            k1 += PHILOX_W1;
        }
        unsigned long long p0 = (unsigned long long) PHILOX_M0 * c0;
        unsigned long long p1 = (unsigned long long) PHILOX_M1 * c2;
        unsigned n0 = (unsigned) (p1 >> 32) ^ c1 ^ k0;
        unsigned n2 = (unsigned) (p0 >> 32) ^ c3 ^ k1;
        c0 = n0;
        c1 = (unsigned) p1;
        c2 = n2;
        c3 = (unsigned) p0;
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
}

// DeterministicMath.log, step by step.
__device__ inline double det_log(double x) {
    long long bits = __double_as_longlong(x);
    int exponent = (int) ((unsigned long long) bits >> 52) - 1023;
    long long mantissa_bits = (bits & 0x000fffffffffffffLL) | 0x3ff0000000000000LL;
    if (mantissa_bits > 0x3ff6a09e667f3bcdLL) {
        mantissa_bits -= 1LL << 52;
        exponent += 1;
    }
    double m = __longlong_as_double(mantissa_bits);
    double f = __dadd_rn(m, -1.0);
    double s = __ddiv_rn(f, __dadd_rn(m, 1.0));
    double z = __dmul_rn(s, s);
    double p = 0x1.8618618618618p-4;                  // L10
    p = __dadd_rn(0x1.af286bca1af28p-4, __dmul_rn(z, p));  // L9
    p = __dadd_rn(0x1.e1e1e1e1e1e1ep-4, __dmul_rn(z, p));  // L8
    p = __dadd_rn(0x1.1111111111111p-3, __dmul_rn(z, p));  // L7
    p = __dadd_rn(0x1.3b13b13b13b14p-3, __dmul_rn(z, p));  // L6
    p = __dadd_rn(0x1.745d1745d1746p-3, __dmul_rn(z, p));  // L5
    p = __dadd_rn(0x1.c71c71c71c71cp-3, __dmul_rn(z, p));  // L4
    p = __dadd_rn(0x1.2492492492492p-2, __dmul_rn(z, p));  // L3
    p = __dadd_rn(0x1.999999999999ap-2, __dmul_rn(z, p));  // L2
    p = __dadd_rn(0x1.5555555555555p-1, __dmul_rn(z, p));  // L1
    double r = __dmul_rn(z, p);
    double log_m = __dadd_rn(f, -__dmul_rn(s, __dadd_rn(f, -r)));
    double d = (double) exponent;
    return __dadd_rn(__dmul_rn(d, 0x1.62e42fee00000p-1),          // LN2_HI
                     __dadd_rn(__dmul_rn(d, 0x1.a39ef35793c76p-33), log_m));  // LN2_LO
}

__device__ inline double det_sin_poly(double x) {
    double z = __dmul_rn(x, x);
    double p = 0x1.952c77030ad4ap-49;                      // S17
    p = __dadd_rn(-0x1.ae7f3e733b81fp-41, __dmul_rn(z, p));  // S15
    p = __dadd_rn(0x1.6124613a86d09p-33, __dmul_rn(z, p));   // S13
    p = __dadd_rn(-0x1.ae64567f544e4p-26, __dmul_rn(z, p));  // S11
    p = __dadd_rn(0x1.71de3a556c734p-19, __dmul_rn(z, p));   // S9
    p = __dadd_rn(-0x1.a01a01a01a01ap-13, __dmul_rn(z, p));  // S7
    p = __dadd_rn(0x1.1111111111111p-7, __dmul_rn(z, p));    // S5
    p = __dadd_rn(-0x1.5555555555555p-3, __dmul_rn(z, p));   // S3
    return __dadd_rn(x, __dmul_rn(__dmul_rn(x, z), p));
}

__device__ inline double det_cos_poly(double x) {
    double z = __dmul_rn(x, x);
    double p = 0x1.ae7f3e733b81fp-45;                      // C16
    p = __dadd_rn(-0x1.93974a8c07c9dp-37, __dmul_rn(z, p));  // C14
    p = __dadd_rn(0x1.1eed8eff8d898p-29, __dmul_rn(z, p));   // C12
    p = __dadd_rn(-0x1.27e4fb7789f5cp-22, __dmul_rn(z, p));  // C10
    p = __dadd_rn(0x1.a01a01a01a01ap-16, __dmul_rn(z, p));   // C8
    p = __dadd_rn(-0x1.6c16c16c16c17p-10, __dmul_rn(z, p));  // C6
    p = __dadd_rn(0x1.5555555555555p-5, __dmul_rn(z, p));    // C4
    p = __dadd_rn(-0x1.0000000000000p-1, __dmul_rn(z, p));   // C2
    return __dadd_rn(1.0, __dmul_rn(z, p));
}

// DeterministicMath.rotated: cos(quadrant * pi/2 + x).
__device__ inline double det_rotated(int quadrant, double x) {
    switch (quadrant & 3) {
        case 0: return det_cos_poly(x);
        case 1: return -det_sin_poly(x);
        case 2: return -det_cos_poly(x);
        default: return det_sin_poly(x);
    }
}

// cos2Pi(u) for even draws, sin2Pi(u) for odd ones: the same reduction, quadrant offset by 3.
__device__ inline double det_turn(double u, bool odd) {
    int quadrant = (int) rint(__dmul_rn(4.0, u));
    double x = __dmul_rn(0x1.921fb54442d18p+2, __dadd_rn(u, -__dmul_rn(0.25, (double) quadrant)));
    return det_rotated(odd ? quadrant + 3 : quadrant, x);
}

// GaussianStream.bits53: top 27 bits of hi, then top 26 bits of lo.
__device__ inline long long bits53(unsigned hi, unsigned lo) {
    return ((long long) (hi >> 5) << 26) | (long long) (lo >> 6);
}

// GaussianStream.gaussian(key0, key1, stream, particle, draw).
__device__ inline double gaussian(unsigned key0, unsigned key1, unsigned long long stream,
                                  unsigned particle, unsigned draw) {
    unsigned words[4];
    philox_block(draw >> 1, particle, (unsigned) stream, (unsigned) (stream >> 32), key0, key1, words);
    double u1 = __dmul_rn((double) (bits53(words[0], words[1]) + 1), 0x1.0p-53);
    double r = __dsqrt_rn(__dmul_rn(-2.0, det_log(u1)));
    double u2 = __dmul_rn((double) bits53(words[2], words[3]), 0x1.0p-53);
    return __dmul_rn(r, det_turn(u2, (draw & 1) != 0));
}

// out[a, j] = std * z(key, stream, a, firstDraw + j): Backend.fillGaussian.
template <typename T>
__device__ void fill_gaussian(T* out, int rows, long long size, unsigned key0, unsigned key1,
                              unsigned long long stream, int first_draw, double std) {
    FOR_EACH_ENTRY(w, rows, size) {
        unsigned particle = (unsigned) w.row;
        unsigned draw = (unsigned) (first_draw + w.col);
        out[w.i] = (T) __dmul_rn(std, gaussian(key0, key1, stream, particle, draw));
    }
}
FOR_BOTH_PRECISIONS(fill_gaussian,
    (void* out, int rows, long long size, unsigned key0, unsigned key1, unsigned long long stream,
     int first_draw, double std),
    ((T*) out, rows, size, key0, key1, stream, first_draw, std))

// Entrywise maps of the Backend contract: activations and their derivatives (network.Activation),
// arithmetic, and the optimizer steps of LIMITS.md section 1 (optim.UpdateFunction). Each
// reproduces the Java scalar code operation by operation, in double.
#pragma once
#include "common.cuh"

// Ids are the ordinals of network.Activation and optim.UpdateFunction.Kind (never reordered).
enum ActivationId { IDENTITY, RELU, TANH, GELU, ERF_, ABS_, SOFTPLUS };
enum UpdateKind { SGD, SIGN, SMOOTHSIGN, MOMENTUM, ADAM };

__device__ inline double activation_value(int phi, double x) {
    const double inv_sqrt2 = 0.70710678118654752440;
    switch (phi) {
        case IDENTITY: return x;
        case RELU: return x > 0 ? x : 0.0;
        case TANH: return tanh(x);
        case GELU: return x * 0.5 * erfc(-x * inv_sqrt2);
        case ERF_: return erf(x);
        case ABS_: return fabs(x);
        default: return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));  // SOFTPLUS
    }
}

__device__ inline double activation_derivative(int phi, double x) {
    const double inv_sqrt2 = 0.70710678118654752440;
    const double inv_sqrt_2pi = 0.39894228040143267794;
    const double two_over_sqrt_pi = 1.12837916709551257390;
    switch (phi) {
        case IDENTITY: return 1.0;
        case RELU: return x > 0 ? 1.0 : 0.0;
        case TANH: {
            double t = tanh(x);
            return 1.0 - t * t;
        }
        case GELU: return 0.5 * erfc(-x * inv_sqrt2) + x * inv_sqrt_2pi * exp(-0.5 * x * x);
        case ERF_: return two_over_sqrt_pi * exp(-x * x);
        case ABS_: return x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0);
        default: return x >= 0 ? 1.0 / (1.0 + exp(-x)) : exp(x) / (1.0 + exp(x));  // SOFTPLUS
    }
}

// Math.signum: the argument itself for zeros and NaN. R is the arithmetic type: double for the
// optimizer steps, float in the float32 pair kernels (pair_products.cuh).
template <typename R>
__device__ inline R signum(R g) {
    return g > 0 ? (R) 1 : (g < 0 ? (R) -1 : g);
}

// UpdateFunction.apply(g) for the memoryless kinds; eps2 = epsilon * epsilon.
template <typename R>
__device__ inline R memoryless_q(int kind, R g, R eps2) {
    switch (kind) {
        case SIGN: return signum(g);
        case SMOOTHSIGN: return g / sqrt(g * g + eps2);
        default: return g;  // SGD
    }
}

// UpdateFunction.adamDirection(m, v, c1, c2).
template <typename R>
__device__ inline R adam_direction(R m, R v, R c1, R c2, R epsilon) {
    return (m / c1) / (sqrt(v / c2) + epsilon);
}

template <typename T>
__device__ void fill(T* m, long long n, double value) {
    FOR_EACH_ELEMENT(i, n) { m[i] = (T) value; }
}
FOR_BOTH_PRECISIONS(fill, (void* m, long long n, double value), ((T*) m, n, value))

template <typename T>
__device__ void activation(int phi, int derivative, const T* in, T* out, long long n) {
    FOR_EACH_ELEMENT(i, n) {
        double x = (double) in[i];
        out[i] = (T) (derivative ? activation_derivative(phi, x) : activation_value(phi, x));
    }
}
FOR_BOTH_PRECISIONS(activation, (int phi, int derivative, const void* in, void* out, long long n),
    (phi, derivative, (const T*) in, (T*) out, n))

template <typename T>
__device__ void hadamard(const T* a, const T* b, T* out, long long n) {
    FOR_EACH_ELEMENT(i, n) { out[i] = (T) ((double) a[i] * (double) b[i]); }
}
FOR_BOTH_PRECISIONS(hadamard, (const void* a, const void* b, void* out, long long n),
    ((const T*) a, (const T*) b, (T*) out, n))

// out[a, j] = s[a] * b[a, j].
template <typename T>
__device__ void scale_rows(const T* s, const T* b, T* out, int rows, long long n) {
    FOR_EACH_ENTRY(w, rows, n) { out[w.i] = (T) ((double) s[w.row] * (double) b[w.i]); }
}
FOR_BOTH_PRECISIONS(scale_rows, (const void* s, const void* b, void* out, int rows, long long n),
    ((const T*) s, (const T*) b, (T*) out, rows, n))

// out[a, j] = c[j] * b[a, j]; c holds float64 factors in device scratch memory.
template <typename T>
__device__ void scale_columns(const double* c, const T* b, T* out, int rows, long long n) {
    FOR_EACH_ENTRY(w, rows, n) { out[w.i] = (T) (c[w.col] * (double) b[w.i]); }
}
FOR_BOTH_PRECISIONS(scale_columns, (const double* c, const void* b, void* out, int rows, long long n),
    (c, (const T*) b, (T*) out, rows, n))

// y = y + alpha x.
template <typename T>
__device__ void axpy(double alpha, const T* x, T* y, long long n) {
    FOR_EACH_ELEMENT(i, n) { y[i] = (T) ((double) y[i] + alpha * (double) x[i]); }
}
FOR_BOTH_PRECISIONS(axpy, (double alpha, const void* x, void* y, long long n), (alpha, (const T*) x, (T*) y, n))

template <typename T>
__device__ void scale(double alpha, T* x, long long n) {
    FOR_EACH_ELEMENT(i, n) { x[i] = (T) (alpha * (double) x[i]); }
}
FOR_BOTH_PRECISIONS(scale, (double alpha, void* x, long long n), (alpha, (T*) x, n))

template <typename T>
__device__ void set_diagonal(T* m, int rows, double value) {
    FOR_EACH_ELEMENT(i, rows) { m[i + i * (long long) rows] = (T) value; }
}
FOR_BOTH_PRECISIONS(set_diagonal, (void* m, int rows, double value), ((T*) m, rows, value))

// One optimizer step per entry (Backend.update): param += alpha * Q_t(grad), with momentum's b in
// s0 and Adam's m and v in s0 and s1; c1 and c2 are Adam's bias corrections of the step, computed
// on the host with the same Math.pow as the CPU backend.
template <typename T>
__device__ void update(int kind, double epsilon, double beta1, double beta2, double c1, double c2,
                       const T* grad, double alpha, T* param, T* s0, T* s1, long long n) {
    double eps2 = epsilon * epsilon;
    FOR_EACH_ELEMENT(i, n) {
        double g = (double) grad[i];
        double direction;
        if (kind == MOMENTUM) {
            double b = beta1 * (double) s0[i] + g;
            s0[i] = (T) b;
            direction = b;
        } else if (kind == ADAM) {
            double m = beta1 * (double) s0[i] + (1 - beta1) * g;
            double v = beta2 * (double) s1[i] + (1 - beta2) * g * g;
            s0[i] = (T) m;
            s1[i] = (T) v;
            direction = adam_direction(m, v, c1, c2, epsilon);
        } else {
            direction = memoryless_q(kind, g, eps2);
        }
        param[i] = (T) ((double) param[i] + alpha * direction);
    }
}
FOR_BOTH_PRECISIONS(update,
    (int kind, double epsilon, double beta1, double beta2, double c1, double c2, const void* grad, double alpha,
     void* param, void* s0, void* s1, long long n),
    (kind, epsilon, beta1, beta2, c1, c2, (const T*) grad, alpha, (T*) param, (T*) s0, (T*) s1, n))

// Sets *flag to 1 when any entry is NaN or infinite (Backend.allFinite): each thread looks at all
// of its entries, the block agrees by one vote, and one thread per block that found any writes
// the flag, so a matrix full of NaN costs one atomic per block, not one per entry. The flag only
// ever goes from 0 to 1, so the answer does not depend on which block writes first.
template <typename T>
__device__ void find_non_finite(const T* m, long long n, int* flag) {
    int found = 0;
    FOR_EACH_ELEMENT(i, n) {
        found |= !isfinite((double) m[i]);
    }
    if (__syncthreads_or(found) && threadIdx.x == 0) {
        atomicExch(flag, 1);
    }
}
FOR_BOTH_PRECISIONS(find_non_finite, (const void* m, long long n, int* flag), ((const T*) m, n, flag))

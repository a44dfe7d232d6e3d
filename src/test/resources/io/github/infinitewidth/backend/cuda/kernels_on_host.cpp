// Runs the kernels of native/ on the host (cuda_on_host.h) with the launch geometry of
// CudaLaunch, on shapes that cut tiles on every side, and compares every result with a plain
// loop in double. For KernelsOnHostTest: prints "ok <check>" per passing check and, on the first
// mismatch, "FAIL <check> ..." and exits 1.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "cuda_on_host.h"
#include "kernels.cu"

static unsigned long long lcg = 12345;

// Values in [-1, 1) exactly representable in float, so both precisions store the same inputs.
static double uniform() {
    lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
    return (float) ((double) (lcg >> 11) * 0x1.0p-53 * 2 - 1);
}

template <typename T>
static std::vector<T> random_matrix(size_t n) {
    std::vector<T> v(n);
    for (T& x : v) {
        x = (T) uniform();
    }
    return v;
}

static unsigned blocks(long long n, long long per) { return (unsigned) ((n + per - 1) / per); }

// Elementwise kernels loop grid-stride over any grid: 3 blocks of 8 threads exercise that loop as
// well as CudaLaunch's grids do, with far fewer host threads.
template <typename Body>
static void launch_elementwise(Body body) {
    launch(3, 1, 8, body);
}

template <typename T>
static void expect_close(const std::string& check, const std::vector<double>& expected, const std::vector<T>& actual,
                         double tolerance) {
    if (expected.size() != actual.size()) {
        std::printf("FAIL %s: %zu values, expected %zu\n", check.c_str(), actual.size(), expected.size());
        std::exit(1);
    }
    for (size_t i = 0; i < expected.size(); i++) {
        double scale = std::max(1.0, std::fabs(expected[i]));
        if (!(std::fabs(expected[i] - (double) actual[i]) <= tolerance * scale)) {
            std::printf("FAIL %s at %zu: expected %.17g, got %.17g\n", check.c_str(), i, expected[i],
                        (double) actual[i]);
            std::exit(1);
        }
    }
    std::printf("ok %s\n", check.c_str());
}

template <typename T>
static double tol() { return sizeof(T) == 8 ? 1e-12 : 1e-5; }

template <typename T>
static const char* name() { return sizeof(T) == 8 ? "f64" : "f32"; }

template <typename T>
static void check_gemm(int m, int n, int k) {
    for (int t = 0; t < 4; t++) {
        int ta = t & 1;
        int tb = (t >> 1) & 1;
        std::vector<T> a = random_matrix<T>((size_t) m * k);
        std::vector<T> b = random_matrix<T>((size_t) k * n);
        std::vector<T> c = random_matrix<T>((size_t) m * n);
        int lda = ta ? k : m;
        int ldb = tb ? n : k;
        std::vector<double> expected(c.size());
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int l = 0; l < k; l++) {
                    double ail = ta ? a[l + (size_t) i * lda] : a[i + (size_t) l * lda];
                    double blj = tb ? b[j + (size_t) l * ldb] : b[l + (size_t) j * ldb];
                    s += ail * blj;
                }
                expected[i + (size_t) j * m] = 0.75 * s - 0.5 * (double) c[i + (size_t) j * m];
            }
        }
        launch(blocks(m, GEMM_TILE), blocks(n, GEMM_TILE), GEMM_THREADS,
               [&] { gemm<T>(ta, tb, m, n, k, 0.75, a.data(), lda, b.data(), ldb, -0.5, c.data(), m); });
        expect_close("gemm " + std::string(name<T>()) + " " + std::to_string(m) + "x" + std::to_string(n) + "x"
                     + std::to_string(k) + " transA=" + std::to_string(ta) + " transB=" + std::to_string(tb),
                     expected, c, tol<T>());
    }
}

template <typename T>
static double pair_value(const double* coef, const std::vector<T>& a, int na, int x, const std::vector<T>& b, int nb,
                         int y, int m) {
    double g = 0;
    for (int j = 0; j < m; j++) {
        g += coef[j] * (double) a[x + (size_t) j * na] * (double) b[y + (size_t) j * nb];
    }
    return g;
}

// Q as UpdateFunction.apply for sgd, sign, smoothsign (epsilon 0.1).
static double reference_q(int kind, double g) {
    if (kind == SIGN) return g > 0 ? 1.0 : (g < 0 ? -1.0 : g);
    if (kind == SMOOTHSIGN) return g / std::sqrt(g * g + 0.01);
    return g;
}

// pair_outer or pair_outer_adam (kernel(tiles_per_block, partial)) with blocks of tiles_per_block
// tiles of b, as CudaLaunch.pairOuter makes them, and pair_outer_finish when there is more than one
// range of b.
template <typename T, typename Kernel>
static void run_pair_outer(int na, int nb, int p, int tiles_per_block, double alpha, std::vector<T>& out,
                           Kernel kernel) {
    int ranges = blocks(blocks(nb, PAIR_TILE), tiles_per_block);
    std::vector<double> partial((size_t) ranges * na * p);
    launch(blocks(na, PAIR_TILE), ranges, PAIR_THREADS, [&] { kernel(tiles_per_block, partial.data()); });
    if (ranges > 1) {
        launch_elementwise([&] {
            pair_outer_finish<T>(partial.data(), ranges, (long long) na * p, alpha, out.data());
        });
    }
}

template <typename T>
static void check_pairs(int na, int nb, int m, int p) {
    std::vector<double> coefs = {0.7, -1.1, 0.4, 0.2, -0.9, 0.3};
    coefs.resize(m * 3);
    for (int r = 1; r < 3; r++) {
        for (int j = 0; j < m; j++) {
            coefs[r * m + j] = 0.1 * (r + j) - 0.25;
        }
    }
    for (int exclude = 0; exclude < 2; exclude++) {
        int rows_b = exclude ? na : nb;
        int tiles = blocks(rows_b, PAIR_TILE);
        std::vector<T> a = random_matrix<T>((size_t) na * m);
        std::vector<T> b = random_matrix<T>((size_t) rows_b * m);
        std::vector<T> cm = random_matrix<T>((size_t) rows_b * p);
        for (int kind : {(int) SGD, (int) SIGN, (int) SMOOTHSIGN, (int) ADAM}) {
            double c1 = 1 - std::pow(0.9, 3);
            double c2 = 1 - std::pow(0.99, 3);
            int rank = kind == ADAM ? 2 : 0;
            std::vector<double> expected((size_t) na * p);
            for (int x = 0; x < na; x++) {
                for (int y = 0; y < rows_b; y++) {
                    if (exclude && x == y) continue;
                    double g = pair_value(coefs.data(), a, na, x, b, rows_b, y, m);
                    double q;
                    if (kind == ADAM) {
                        double v = 0;
                        for (int r = 1; r <= rank; r++) {
                            double gr = pair_value(coefs.data() + r * m, a, na, x, b, rows_b, y, m);
                            v += gr * gr;
                        }
                        q = (g / c1) / (std::sqrt(v / c2) + 0.1);
                    } else {
                        q = reference_q(kind, g);
                    }
                    for (int i = 0; i < p; i++) {
                        expected[x + (size_t) i * na] += 0.25 * q * (double) cm[y + (size_t) i * rows_b];
                    }
                }
            }
            std::string what = std::string(name<T>()) + " q=" + std::to_string(kind) + " exclude="
                               + std::to_string(exclude) + " " + std::to_string(na) + "x" + std::to_string(rows_b)
                               + " m=" + std::to_string(m) + " p=" + std::to_string(p);
            // all of b in one block, ranges of 2 tiles (the last one ragged when 3), one tile per block
            for (int per : {tiles, 2, 1}) {
                std::vector<T> out = random_matrix<T>((size_t) na * p);   // every entry is overwritten
                run_pair_outer(na, rows_b, p, per, 0.25, out, [&](int tiles_per_block, double* partial) {
                    if (kind == ADAM) {
                        pair_outer_adam<T>(0.1, c1, c2, rank, coefs.data(), a.data(), na, b.data(), rows_b, m,
                                           cm.data(), p, 0.25, exclude, tiles_per_block, partial, out.data());
                    } else {
                        pair_outer<T>(kind, 0.1, coefs.data(), a.data(), na, b.data(), rows_b, m, cm.data(), p, 0.25,
                                      exclude, tiles_per_block, partial, out.data());
                    }
                });
                expect_close("pair_outer " + what + " tiles/block=" + std::to_string(per), expected, out,
                             8 * tol<T>());
            }
            if (kind == ADAM) continue;
            std::vector<T> pairs = random_matrix<T>((size_t) na * rows_b);
            std::vector<double> expected_pairs(pairs.begin(), pairs.end());
            launch(blocks(na, PAIR_TILE), blocks(rows_b, PAIR_TILE), PAIR_THREADS, [&] {
                pair_accumulate<T>(kind, 0.1, coefs.data(), a.data(), na, b.data(), rows_b, m, -0.5, exclude,
                                   pairs.data());
            });
            for (int x = 0; x < na; x++) {
                for (int y = 0; y < rows_b; y++) {
                    if (exclude && x == y) continue;
                    expected_pairs[x + (size_t) y * na] +=
                        -0.5 * reference_q(kind, pair_value(coefs.data(), a, na, x, b, rows_b, y, m));
                }
            }
            expect_close("pair_accumulate " + what, expected_pairs, pairs, 8 * tol<T>());
        }
    }
}

template <typename T>
static void check_reductions(int rows, int p, int q) {
    std::vector<T> a = random_matrix<T>((size_t) rows * p);
    std::vector<T> b = random_matrix<T>((size_t) rows * q);
    for (int with_b = 0; with_b < 2; with_b++) {
        long long entries = (long long) p * (with_b ? q : 1);
        int chunks = blocks(rows, REDUCE_CHUNK);
        std::vector<double> partial(entries * chunks);
        std::vector<double> total(entries);
        if (with_b) {
            launch(blocks(p, GEMM_TILE), blocks(q, GEMM_TILE) * chunks, GEMM_THREADS,
                   [&] { gram_partials<T>(a.data(), p, b.data(), q, rows, partial.data()); });
        } else {
            launch((unsigned) std::min<long long>(entries * chunks, 1 << 16), 1, REDUCE_THREADS,
                   [&] { column_partials<T>(a.data(), p, rows, chunks, partial.data()); });
        }
        launch_elementwise([&] { column_finish(partial.data(), entries, chunks, rows, total.data()); });
        std::vector<double> expected(entries);
        for (long long e = 0; e < entries; e++) {
            int i = (int) (e % p);
            int j = (int) (e / p);
            double s = 0;
            for (int r = 0; r < rows; r++) {
                s += (double) a[r + (size_t) i * rows] * (with_b ? (double) b[r + (size_t) j * rows] : 1.0);
            }
            expected[e] = s / rows;
        }
        expect_close(std::string(with_b ? "gram " : "columnMeans ") + name<T>() + " rows=" + std::to_string(rows),
                     expected, total, 1e-13);
    }
}

// Without particles there are no chunks and the means are 0, not 0/0.
static void check_reductions_without_rows() {
    std::vector<double> total(4, -1.0);
    launch_elementwise([&] { column_finish(nullptr, 4, 0, 0, total.data()); });
    expect_close("column_finish rows=0", std::vector<double>(4, 0.0), total, 0);
}

template <typename T>
static void check_elementwise() {
    const long long n = 700;
    const int rows = 35;
    std::vector<T> x = random_matrix<T>(n);
    for (T& v : x) v = (T) (4 * (double) v);
    x[0] = 0;
    for (int phi = IDENTITY; phi <= SOFTPLUS; phi++) {
        for (int derivative = 0; derivative < 2; derivative++) {
            std::vector<T> out(n);
            launch_elementwise([&] { activation<T>(phi, derivative, x.data(), out.data(), n); });
            std::vector<double> expected(n);
            for (long long i = 0; i < n; i++) {
                expected[i] = derivative ? activation_derivative(phi, x[i]) : activation_value(phi, x[i]);
            }
            expect_close("activation " + std::string(name<T>()) + " " + std::to_string(phi) + " derivative="
                         + std::to_string(derivative), expected, out, tol<T>());
        }
    }
    std::vector<T> y = random_matrix<T>(n);
    std::vector<T> s = random_matrix<T>(rows);
    std::vector<double> c = {0.5, -2, 3, 1, 0.25, -1, 2, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.1, 1.2, 1.3, 1.4};
    std::vector<T> out(n);
    std::vector<double> expected(n);
    launch_elementwise([&] { hadamard<T>(x.data(), y.data(), out.data(), n); });
    for (long long i = 0; i < n; i++) expected[i] = (double) x[i] * (double) y[i];
    expect_close("hadamard " + std::string(name<T>()), expected, out, tol<T>());
    // 35 rows, more than the 24 threads of the grid, and 5, fewer: the walk over rows and columns
    // wraps within a stride and across several columns per stride
    for (int r : {rows, 5}) {
        long long entries = r == rows ? n : 5 * 20;
        std::vector<double> want(entries);
        std::vector<T> got(entries);
        launch_elementwise([&] { scale_rows<T>(s.data(), y.data(), got.data(), r, entries); });
        for (long long i = 0; i < entries; i++) want[i] = (double) s[i % r] * (double) y[i];
        expect_close("scale_rows " + std::string(name<T>()) + " rows=" + std::to_string(r), want, got, tol<T>());
        launch_elementwise([&] { scale_columns<T>(c.data(), y.data(), got.data(), r, entries); });
        for (long long i = 0; i < entries; i++) want[i] = c[i / r] * (double) y[i];
        expect_close("scale_columns " + std::string(name<T>()) + " rows=" + std::to_string(r), want, got, tol<T>());
        launch_elementwise([&] { fill_gaussian<T>(got.data(), r, entries, 7, 11, 1ULL << 40, 3, 0.5); });
        for (long long i = 0; i < entries; i++) {
            want[i] = (double) (T) (0.5 * gaussian(7, 11, 1ULL << 40, (unsigned) (i % r), (unsigned) (3 + i / r)));
        }
        expect_close("fill_gaussian " + std::string(name<T>()) + " rows=" + std::to_string(r), want, got, 0);
    }
    std::vector<T> z = y;
    launch_elementwise([&] { axpy<T>(-1.5, x.data(), z.data(), n); });
    for (long long i = 0; i < n; i++) expected[i] = (double) y[i] - 1.5 * (double) x[i];
    expect_close("axpy " + std::string(name<T>()), expected, z, tol<T>());
    z = y;
    launch_elementwise([&] { scale<T>(3.0, z.data(), n); });
    for (long long i = 0; i < n; i++) expected[i] = 3.0 * (double) y[i];
    expect_close("scale " + std::string(name<T>()), expected, z, tol<T>());
    std::vector<T> square = random_matrix<T>(rows * rows);
    std::vector<double> expected_square(square.begin(), square.end());
    launch_elementwise([&] { set_diagonal<T>(square.data(), rows, 0.0); });
    for (int i = 0; i < rows; i++) expected_square[i + i * rows] = 0;
    expect_close("set_diagonal " + std::string(name<T>()), expected_square, square, 0);
    launch_elementwise([&] { fill<T>(out.data(), n, -2.0); });
    expect_close("fill " + std::string(name<T>()), std::vector<double>(n, -2.0), out, 0);
    int flag = 0;
    launch_elementwise([&] { find_non_finite<T>(x.data(), n, &flag); });
    x[n - 1] = (T) NAN;
    int flag_nan = 0;
    launch_elementwise([&] { find_non_finite<T>(x.data(), n, &flag_nan); });
    // every entry infinite: one atomic per block (3), not one per entry
    std::vector<T> all_bad(n, (T) INFINITY);
    int flag_all = 0;
    long atomics_before = atomic_exchanges;
    launch_elementwise([&] { find_non_finite<T>(all_bad.data(), n, &flag_all); });
    long atomics = atomic_exchanges - atomics_before;
    if (flag != 0 || flag_nan != 1 || flag_all != 1 || atomics != 3) {
        std::printf("FAIL find_non_finite %s: %d %d %d, %ld atomics\n", name<T>(), flag, flag_nan, flag_all, atomics);
        std::exit(1);
    }
    std::printf("ok find_non_finite %s\n", name<T>());
}

// Three steps of every update kind, against UpdateFunction's formulas (epsilon 0.05, beta1 0.9, beta2 0.99).
template <typename T>
static void check_update() {
    const long long n = 300;
    for (int kind = SGD; kind <= ADAM; kind++) {
        std::vector<T> param = random_matrix<T>(n);
        std::vector<T> s0(n), s1(n);
        std::vector<double> p(param.begin(), param.end()), m(n), v(n);
        for (int t = 0; t < 3; t++) {
            std::vector<T> grad = random_matrix<T>(n);
            double c1 = 1 - std::pow(0.9, t + 1);
            double c2 = 1 - std::pow(0.99, t + 1);
            launch_elementwise([&] {
                update<T>(kind, 0.05, 0.9, 0.99, c1, c2, grad.data(), -0.1, param.data(), s0.data(), s1.data(), n);
            });
            for (long long i = 0; i < n; i++) {
                double g = grad[i];
                double dir;
                if (kind == MOMENTUM) {
                    m[i] = 0.9 * m[i] + g;
                    dir = m[i];
                } else if (kind == ADAM) {
                    m[i] = 0.9 * m[i] + (1 - 0.9) * g;
                    v[i] = 0.99 * v[i] + (1 - 0.99) * g * g;
                    dir = (m[i] / c1) / (std::sqrt(v[i] / c2) + 0.05);
                } else {
                    dir = kind == SIGN ? (g > 0 ? 1.0 : (g < 0 ? -1.0 : g))
                        : kind == SMOOTHSIGN ? g / std::sqrt(g * g + 0.0025) : g;
                }
                p[i] = (double) (T) (p[i] - 0.1 * dir);
                m[i] = (double) (T) m[i];
                v[i] = (double) (T) v[i];
            }
        }
        expect_close("update " + std::string(name<T>()) + " kind=" + std::to_string(kind), p, param, 8 * tol<T>());
    }
}

// Two steps of pair_update for momentum and Adam (epsilon 0.05, beta1 0.9, beta2 0.99), from zero
// state and a random pair matrix, against the per-pair formulas of check_update; the excluded
// diagonal of pairs and state must stay as it was.
template <typename T>
static void check_pair_update(int na, int nb, int m) {
    for (int exclude = 0; exclude < 2; exclude++) {
        int rows_b = exclude ? na : nb;
        size_t pairs = (size_t) na * rows_b;
        std::vector<T> a = random_matrix<T>((size_t) na * m);
        std::vector<T> b = random_matrix<T>((size_t) rows_b * m);
        for (int kind : {(int) MOMENTUM, (int) ADAM}) {
            std::vector<T> param = random_matrix<T>(pairs);
            std::vector<T> s0(pairs), s1(pairs);
            std::vector<double> p(param.begin(), param.end()), mo(pairs), v(pairs);
            for (int t = 0; t < 2; t++) {
                std::vector<double> coefs(m);
                for (int j = 0; j < m; j++) coefs[j] = 0.3 * (j + 1) - 0.5 * t;
                double c1 = 1 - std::pow(0.9, t + 1);
                double c2 = 1 - std::pow(0.99, t + 1);
                launch(blocks(na, PAIR_TILE), blocks(rows_b, PAIR_TILE), PAIR_THREADS, [&] {
                    pair_update<T>(kind, 0.05, 0.9, 0.99, c1, c2, coefs.data(), a.data(), na, b.data(), rows_b, m,
                                   -0.5, exclude, param.data(), s0.data(), s1.data());
                });
                for (int x = 0; x < na; x++) {
                    for (int y = 0; y < rows_b; y++) {
                        if (exclude && x == y) continue;
                        size_t i = x + (size_t) y * na;
                        double g = pair_value(coefs.data(), a, na, x, b, rows_b, y, m);
                        double dir;
                        if (kind == MOMENTUM) {
                            mo[i] = 0.9 * mo[i] + g;
                            dir = mo[i];
                        } else {
                            mo[i] = 0.9 * mo[i] + (1 - 0.9) * g;
                            v[i] = 0.99 * v[i] + (1 - 0.99) * g * g;
                            dir = (mo[i] / c1) / (std::sqrt(v[i] / c2) + 0.05);
                        }
                        p[i] = (double) (T) (p[i] - 0.5 * dir);
                        mo[i] = (double) (T) mo[i];
                        v[i] = (double) (T) v[i];
                    }
                }
            }
            std::string what = std::string(name<T>()) + " kind=" + std::to_string(kind) + " exclude="
                + std::to_string(exclude);
            expect_close("pair_update " + what, p, param, 8 * tol<T>());
            expect_close("pair_update state " + what, mo, s0, 8 * tol<T>());
        }
    }
}

// ---- float32 arithmetic (simulation.precision float32) against the float64 kernels ----
// The _f32 pair kernels and GEMM compute in float32 while the sums over particles stay float64
// (pair_products.cuh). Each check runs both precisions on the same inputs (exactly representable
// in float) and bounds |float32 result - float64 result| per entry by the standard rounding-error
// bounds of float32 (u = 2^-24; an n-term dot product is off by at most n u sum |x_i y_i|),
// propagated through Q by its slope (sgd 1, smoothsign 1/epsilon; sign may flip only where
// |G| is within G's bound; Adam's direction is monotone in m and v, so its corners bound it).
// The float64 kernels' own error (2^-53 per operation) is far inside these bounds.
static const double U32 = 0x1.0p-24;

static double abs_pair_value(const double* coef, const std::vector<float>& a, int na, int x,
                             const std::vector<float>& b, int nb, int y, int m) {
    double s = 0;
    for (int j = 0; j < m; j++) {
        s += std::fabs(coef[j] * (double) a[x + (size_t) j * na] * (double) b[y + (size_t) j * nb]);
    }
    return s;
}

// Bound on |G in float32 - G| over m inputs: coef[j] A rounded once, m products, m - 1 additions.
static double g_error(int m, double abs_sum) { return (m + 2) * U32 * abs_sum; }

// Largest |Q(g') - Q(g)| for |g' - g| <= dg, plus the float32 rounding of evaluating Q (epsilon 0.1).
static double q_error(int kind, double g, double dg) {
    if (kind == SIGN) return std::fabs(g) <= dg ? 2.0 : 0.0;
    if (kind == SMOOTHSIGN) return dg / 0.1 + 6 * U32;
    return dg + U32 * std::fabs(g);
}

// Largest change of Adam's direction (m / c1) / (sqrt(v / c2) + epsilon) for m within dm and v
// within dv (its extremes are at the corners), plus 10 roundings of evaluating it in float32.
static double adam_error(double m, double dm, double v, double dv, double c1, double c2, double epsilon) {
    auto d = [&](double mm, double vv) { return (mm / c1) / (std::sqrt(std::max(vv, 0.0) / c2) + epsilon); };
    double d0 = d(m, v);
    double worst = 0;
    for (double mm : {m - dm, m + dm}) {
        for (double vv : {v - dv, v + dv}) {
            worst = std::max(worst, std::fabs(d(mm, vv) - d0));
        }
    }
    return worst + 10 * U32 * std::fabs(d0);
}

// Compares a float32 result with the float64 one entry by entry against bound[i]; prints the largest
// error relative to the largest float64 value, next to what rounding the float64 result to float32
// alone (float32 storage with float64 arithmetic, the former float32 path) changes.
static void expect_within(const std::string& check, const std::vector<double>& f64, const std::vector<float>& f32,
                          const std::vector<double>& bound) {
    double largest = 0, error = 0, storage = 0, used = 0;
    for (size_t i = 0; i < f64.size(); i++) {
        double e = std::fabs((double) f32[i] - f64[i]);
        if (!(e <= bound[i])) {
            std::printf("FAIL %s at %zu: float64 %.17g, float32 %.9g, bound %.3g\n", check.c_str(), i, f64[i],
                        (double) f32[i], bound[i]);
            std::exit(1);
        }
        largest = std::max(largest, std::fabs(f64[i]));
        error = std::max(error, e);
        storage = std::max(storage, std::fabs((double) (float) f64[i] - f64[i]));
        used = std::max(used, bound[i] > 0 ? e / bound[i] : 0.0);
    }
    std::printf("ok %s: largest error %.2g of the largest value (float32 storage alone %.2g), %.2g of the bound\n",
                check.c_str(), error / largest, storage / largest, used);
}

static std::vector<double> widened(const std::vector<float>& v) { return std::vector<double>(v.begin(), v.end()); }

// pair_outer (every Q) and pair_accumulate, float32 against float64.
static void check_float32_pairs(int na, int nb, int m, int p, int tiles_per_block) {
    const int rank = 2;
    std::vector<double> coefs((size_t) (rank + 1) * m);
    for (size_t j = 0; j < coefs.size(); j++) coefs[j] = 0.13 * (double) (j % 7) - 0.4;
    for (int exclude = 0; exclude < 2; exclude++) {
        int rows_b = exclude ? na : nb;
        std::vector<float> a = random_matrix<float>((size_t) na * m);
        std::vector<float> b = random_matrix<float>((size_t) rows_b * m);
        std::vector<float> cm = random_matrix<float>((size_t) rows_b * p);
        std::vector<double> a64 = widened(a), b64 = widened(b), cm64 = widened(cm);
        double c1 = 1 - std::pow(0.9, 3);
        double c2 = 1 - std::pow(0.99, 3);
        for (int kind : {(int) SGD, (int) SIGN, (int) SMOOTHSIGN, (int) ADAM}) {
            std::vector<double> bound((size_t) na * p), dq((size_t) na * rows_b), q((size_t) na * rows_b);
            for (int x = 0; x < na; x++) {
                for (int y = 0; y < rows_b; y++) {
                    size_t at = x + (size_t) y * na;
                    if (exclude && x == y) continue;
                    double g = pair_value(coefs.data(), a, na, x, b, rows_b, y, m);
                    double dg = g_error(m, abs_pair_value(coefs.data(), a, na, x, b, rows_b, y, m));
                    if (kind == ADAM) {
                        double v = 0, dv = 0;
                        for (int r = 1; r <= rank; r++) {
                            double gr = pair_value(coefs.data() + r * m, a, na, x, b, rows_b, y, m);
                            double dgr = g_error(m, abs_pair_value(coefs.data() + r * m, a, na, x, b, rows_b, y, m));
                            v += gr * gr;
                            dv += 2 * std::fabs(gr) * dgr + dgr * dgr + 2 * rank * U32 * gr * gr;
                        }
                        q[at] = (g / c1) / (std::sqrt(v / c2) + 0.1);
                        dq[at] = adam_error(g, dg, v, dv, c1, c2, 0.1);
                    } else {
                        q[at] = reference_q(kind, g);
                        dq[at] = q_error(kind, g, dg);
                    }
                }
            }
            // the products Q C: 16-term float32 sums per slice of particles, float64 across slices
            for (int x = 0; x < na; x++) {
                for (int i = 0; i < p; i++) {
                    double s = 0;
                    for (int y = 0; y < rows_b; y++) {
                        size_t at = x + (size_t) y * na;
                        double c = std::fabs((double) cm[y + (size_t) i * rows_b]);
                        s += dq[at] * c + (PAIR_C_SLICE + 1) * U32 * (std::fabs(q[at]) + dq[at]) * c;
                    }
                    bound[x + (size_t) i * na] = 0.25 * s;
                }
            }
            std::vector<float> out32((size_t) na * p);
            std::vector<double> out64((size_t) na * p);
            run_pair_outer(na, rows_b, p, tiles_per_block, 0.25, out32, [&](int per, double* partial) {
                if (kind == ADAM) {
                    pair_outer_adam<float>(0.1, c1, c2, rank, coefs.data(), a.data(), na, b.data(), rows_b, m,
                                           cm.data(), p, 0.25, exclude, per, partial, out32.data());
                } else {
                    pair_outer<float>(kind, 0.1, coefs.data(), a.data(), na, b.data(), rows_b, m, cm.data(), p, 0.25,
                                      exclude, per, partial, out32.data());
                }
            });
            run_pair_outer(na, rows_b, p, tiles_per_block, 0.25, out64, [&](int per, double* partial) {
                if (kind == ADAM) {
                    pair_outer_adam<double>(0.1, c1, c2, rank, coefs.data(), a64.data(), na, b64.data(), rows_b, m,
                                            cm64.data(), p, 0.25, exclude, per, partial, out64.data());
                } else {
                    pair_outer<double>(kind, 0.1, coefs.data(), a64.data(), na, b64.data(), rows_b, m, cm64.data(),
                                       p, 0.25, exclude, per, partial, out64.data());
                }
            });
            for (size_t i = 0; i < bound.size(); i++) bound[i] += 2 * U32 * std::fabs(out64[i]);
            std::string what = "q=" + std::to_string(kind) + " exclude=" + std::to_string(exclude) + " "
                               + std::to_string(na) + "x" + std::to_string(rows_b) + " m=" + std::to_string(m)
                               + " p=" + std::to_string(p);
            expect_within("float32 arithmetic pair_outer " + what, out64, out32, bound);
            if (kind == ADAM) continue;
            std::vector<float> pairs32 = random_matrix<float>((size_t) na * rows_b);
            std::vector<double> pairs64 = widened(pairs32);
            launch(blocks(na, PAIR_TILE), blocks(rows_b, PAIR_TILE), PAIR_THREADS, [&] {
                pair_accumulate<float>(kind, 0.1, coefs.data(), a.data(), na, b.data(), rows_b, m, -0.5, exclude,
                                       pairs32.data());
            });
            launch(blocks(na, PAIR_TILE), blocks(rows_b, PAIR_TILE), PAIR_THREADS, [&] {
                pair_accumulate<double>(kind, 0.1, coefs.data(), a64.data(), na, b64.data(), rows_b, m, -0.5,
                                        exclude, pairs64.data());
            });
            std::vector<double> pair_bound(pairs64.size());
            for (size_t i = 0; i < pairs64.size(); i++) pair_bound[i] = 0.5 * dq[i] + 2 * U32 * std::fabs(pairs64[i]);
            expect_within("float32 arithmetic pair_accumulate " + what, pairs64, pairs32, pair_bound);
        }
    }
}

// Two steps of pair_update (momentum, Adam; epsilon 0.05, beta1 0.9, beta2 0.99) in both precisions.
// The bounds follow the state: beta and 1 - beta rounded to float32 are off by u and by
// beta / (1 - beta) u relatively (10 u and 100 u), each stored state by u.
static void check_float32_pair_update(int na, int nb, int m) {
    size_t pairs = (size_t) na * nb;
    std::vector<float> a = random_matrix<float>((size_t) na * m);
    std::vector<float> b = random_matrix<float>((size_t) nb * m);
    std::vector<double> a64 = widened(a), b64 = widened(b);
    for (int kind : {(int) MOMENTUM, (int) ADAM}) {
        std::vector<float> p32 = random_matrix<float>(pairs), m32(pairs), v32(pairs);
        std::vector<double> p64 = widened(p32), m64(pairs), v64(pairs);
        std::vector<double> dp(pairs), dm(pairs), dv(pairs);
        for (int t = 0; t < 2; t++) {
            std::vector<double> coefs(m);
            for (int j = 0; j < m; j++) coefs[j] = 0.3 * (j + 1) - 0.5 * t;
            double c1 = 1 - std::pow(0.9, t + 1);
            double c2 = 1 - std::pow(0.99, t + 1);
            std::vector<double> m_before = m64, v_before = v64;
            launch(blocks(na, PAIR_TILE), blocks(nb, PAIR_TILE), PAIR_THREADS, [&] {
                pair_update<float>(kind, 0.05, 0.9, 0.99, c1, c2, coefs.data(), a.data(), na, b.data(), nb, m, -0.5,
                                   0, p32.data(), m32.data(), v32.data());
            });
            launch(blocks(na, PAIR_TILE), blocks(nb, PAIR_TILE), PAIR_THREADS, [&] {
                pair_update<double>(kind, 0.05, 0.9, 0.99, c1, c2, coefs.data(), a64.data(), na, b64.data(), nb, m,
                                    -0.5, 0, p64.data(), m64.data(), v64.data());
            });
            for (int x = 0; x < na; x++) {
                for (int y = 0; y < nb; y++) {
                    size_t i = x + (size_t) y * na;
                    double g = pair_value(coefs.data(), a, na, x, b, nb, y, m);
                    double dg = g_error(m, abs_pair_value(coefs.data(), a, na, x, b, nb, y, m));
                    double ddir;
                    if (kind == MOMENTUM) {
                        dm[i] = 0.9 * dm[i] + dg + 3 * U32 * (std::fabs(m_before[i]) + std::fabs(m64[i]));
                        ddir = dm[i];
                    } else {
                        dm[i] = 0.9 * dm[i] + 0.1 * dg
                                + 12 * U32 * (std::fabs(m_before[i]) + std::fabs(g) + std::fabs(m64[i]));
                        dv[i] = 0.99 * dv[i] + 0.01 * (2 * std::fabs(g) * dg + dg * dg)
                                + 102 * U32 * (v_before[i] + g * g + v64[i]);
                        ddir = adam_error(m64[i], dm[i], v64[i], dv[i], c1, c2, 0.05);
                    }
                    dp[i] += 0.5 * ddir + 2 * U32 * std::fabs(p64[i]);
                }
            }
        }
        std::string what = "kind=" + std::to_string(kind) + " " + std::to_string(na) + "x" + std::to_string(nb)
                           + " m=" + std::to_string(m);
        expect_within("float32 arithmetic pair_update " + what, p64, p32, dp);
        expect_within("float32 arithmetic pair_update state " + what, m64, m32, dm);
    }
}

// The GEMM's float32 kernel (float32 multiply-adds over k, like SGEMM) against its float64 one.
static void check_float32_gemm(int m, int n, int k) {
    std::vector<float> a = random_matrix<float>((size_t) m * k), b = random_matrix<float>((size_t) k * n);
    std::vector<float> c32 = random_matrix<float>((size_t) m * n);
    std::vector<double> a64 = widened(a), b64 = widened(b), c64 = widened(c32), bound(c64.size());
    for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int l = 0; l < k; l++) s += std::fabs(a64[i + (size_t) l * m] * b64[l + (size_t) j * k]);
            bound[i + (size_t) j * m] = 0.75 * (k + 1) * U32 * s;
        }
    }
    launch(blocks(m, GEMM_TILE), blocks(n, GEMM_TILE), GEMM_THREADS,
           [&] { gemm<float>(0, 0, m, n, k, 0.75, a.data(), m, b.data(), k, -0.5, c32.data(), m); });
    launch(blocks(m, GEMM_TILE), blocks(n, GEMM_TILE), GEMM_THREADS,
           [&] { gemm<double>(0, 0, m, n, k, 0.75, a64.data(), m, b64.data(), k, -0.5, c64.data(), m); });
    for (size_t i = 0; i < bound.size(); i++) bound[i] += 2 * U32 * std::fabs(c64[i]);
    expect_within("float32 arithmetic gemm " + std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k),
                  c64, c32, bound);
}

template <typename T>
static void check_all() {
    check_elementwise<T>();
    check_update<T>();
    check_reductions<T>(9000, 3, 2);   // three chunks, the last one partial
    check_reductions<T>(300, 70, 66);  // two tiles of the Gram matrix each way
    check_gemm<T>(131, 67, 9);
    check_gemm<T>(64, 64, 64);
    check_gemm<T>(70, 33, 37);          // two whole slices of k and a partial third
    check_pairs<T>(150, 203, 3, 2);
    check_pairs<T>(70, 130, 11, 70);    // two slices of inputs, two passes of output columns
    check_pair_update<T>(70, 130, 5);   // partial tiles in both directions
}

int main() {
    check_reductions_without_rows();
    check_all<float>();
    check_all<double>();
    check_float32_pairs(70, 130, 11, 70, 1);      // two passes of output columns, b in single tiles
    check_float32_pairs(64, 1100, 24, 20, 18);    // many particles b in one range of tiles
    check_float32_pair_update(70, 130, 5);
    check_float32_gemm(131, 67, 300);
    return 0;
}

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
    return 0;
}

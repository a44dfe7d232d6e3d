// Runs the Gaussian fill kernel of native/philox_gaussian.cuh on the host (cuda_on_host.h), for
// GaussianKernelOnHostTest.
// Usage: gaussian_on_host f32|f64 rows cols key0 key1 stream firstDraw std
// Prints the raw bits of every stored value, column-major, one per line in hex.
#include <cstdio>
#include <cstdlib>

#include "cuda_on_host.h"
#include "philox_gaussian.cuh"

template <typename T, typename Bits>
static void run(int rows, int cols, unsigned key0, unsigned key1, unsigned long long stream, int first, double std) {
    std::vector<T> out((size_t) rows * cols);
    long long size = (long long) rows * cols;
    launch((unsigned) ((size + 255) / 256), 1, 256,
           [&] { fill_gaussian<T>(out.data(), rows, size, key0, key1, stream, first, std); });
    for (T v : out) {
        Bits b;
        std::memcpy(&b, &v, sizeof b);
        std::printf("%llx\n", (unsigned long long) b);
    }
}

int main(int argc, char** argv) {
    if (argc != 9) {
        return 2;
    }
    int rows = std::atoi(argv[2]);
    int cols = std::atoi(argv[3]);
    unsigned key0 = (unsigned) std::strtoll(argv[4], nullptr, 10);
    unsigned key1 = (unsigned) std::strtoll(argv[5], nullptr, 10);
    unsigned long long stream = std::strtoull(argv[6], nullptr, 10);
    int first = std::atoi(argv[7]);
    double std = std::strtod(argv[8], nullptr);
    if (std::strcmp(argv[1], "f64") == 0) {
        run<double, unsigned long long>(rows, cols, key0, key1, stream, first, std);
    } else {
        run<float, unsigned>(rows, cols, key0, key1, stream, first, std);
    }
    return 0;
}

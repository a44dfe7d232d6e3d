#!/usr/bin/env python3
"""The physical limits of this machine that docs/performance.md compares every kernel against,
measured, with what lscpu says next to them:

- FP64 and FP32 peak: the best of several large matrix products (NumPy's BLAS, all cores), the
  highest arithmetic rate a program reaches here in practice. The nominal peak is printed for
  reference: clock x logical CPUs x 16 FP64 (32 FP32) flops per cycle, i.e. two 256-bit FMA pipes,
  which is what AMD Zen 4 executes AVX-512 on; two vCPUs may share one physical core, which halves it.
- Memory bandwidth: a STREAM-like triad a = b + s c on 512 MiB arrays (far beyond the caches),
  written with in-place NumPy operations as two passes (a = s c, then a += b): 5 arrays' worth of
  traffic per element (2 reads and 1 write, then 2 reads and 1 write, a being read back), so
  bytes = 5 x 8 x n per triad, per STREAM's convention of not counting write-allocate.

Usage: python3 benchmarks/peers/machine.py   (prints a Markdown list)
"""
import os
import subprocess
import time

import numpy as np


def best(seconds_of, repeats):
    return min(seconds_of() for _ in range(repeats))


def gemm_rate(dtype, n=2048):
    a = np.ones((n, n), dtype=dtype)
    b = np.ones((n, n), dtype=dtype)
    c = np.empty((n, n), dtype=dtype)
    np.matmul(a, b, out=c)

    def once():
        start = time.perf_counter()
        np.matmul(a, b, out=c)
        return time.perf_counter() - start
    return 2.0 * n ** 3 / best(once, 5) / 1e9


def triad_bandwidth(n=1 << 26):
    a = np.zeros(n)
    b = np.ones(n)
    c = np.ones(n)

    def once():
        start = time.perf_counter()
        np.multiply(c, 3.0, out=a)
        np.add(a, b, out=a)
        return time.perf_counter() - start
    once()
    return 5 * 8 * n / best(once, 5) / 1e9


def lscpu():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    except OSError:
        return {}
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in out.splitlines() if ":" in line)}


def cpuinfo_mhz():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("cpu MHz"):
                    return line.split(":")[1].strip()
    except OSError:
        pass
    return None


def main():
    info = lscpu()
    cores = os.cpu_count()
    flags = info.get("Flags", "")
    mhz = info.get("CPU max MHz") or info.get("CPU MHz") or cpuinfo_mhz()
    print(f"- CPU: {info.get('Model name', '?')}, {cores} logical CPUs, "
          f"{'AVX-512' if 'avx512f' in flags else 'AVX2' if 'avx2' in flags else 'no AVX2'}, L3 {info.get('L3 cache', '?')}")
    if mhz:
        ghz = float(mhz) / 1000
        print(f"- nominal peak ({ghz:.2f} GHz from lscpu or /proc/cpuinfo x {cores} CPUs x 16 flops/cycle): "
              f"FP64 {ghz * cores * 16:.0f} GFLOP/s, FP32 {ghz * cores * 32:.0f} GFLOP/s")
    else:
        print("- nominal peak: lscpu reports no clock rate here")
    print(f"- measured FP64 peak (NumPy {np.__version__} matmul, 2048^3, best of 5): {gemm_rate(np.float64):.1f} GFLOP/s")
    print(f"- measured FP32 peak (same, float32): {gemm_rate(np.float32):.1f} GFLOP/s")
    print(f"- measured memory bandwidth (triad a = b + 3c on 3 x 512 MiB, best of 5): {triad_bandwidth():.1f} GB/s")


if __name__ == "__main__":
    main()

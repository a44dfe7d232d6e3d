#!/usr/bin/env python3
"""Times ours and the peer on identical inputs, checks the results agree, prints a Markdown table.

Called by benchmarks/compare.sh (which builds benchmarks.jar first); see there for usage. Each case:

  nop:N:M             the nonlinear outer product with smoothsign (eps 0.1), A, B = C all N x M:
                      inputs X[r, c] = sin(0.7 r + 1.3 c + phase) (phase 0.1 for A, 0.2 for B; the
                      coefficients c_j = sin(1.3 j + 0.4)), written to files that ours reads.
  gemm:N:M            W B with W N x N (phase 0.3, scaled by 1/sqrt(N)) and B N x M (phase 0.2).
  gram:N:M            (1/N) A^T A with A N x M (phase 0.1), accumulated in float64 by ours.
  finite:N:M:L:OPT    one full-batch step of a finite muP network of width N, L hidden tanh layers,
                      M inputs, optimizer sgd or adam: ours draws the weights and writes them; the
                      peer starts from those files. Checked: the outputs after the step.
  mu:N:M:L:OPT        the first step of the deep muP limit with N particles (sgd, smoothsign or adam): ours
                      writes every random number the step uses (u, v, the hat families' Gaussian
                      draws), so the peer computes the same numbers.

Times are medians of REPS runs after untimed warm-up runs (WARMUPS for the peer; for ours at least
WARMUPS and at least 3 s, for the JIT), both from the same state; "ours / peer" below 1 means ours is
faster. "max rel diff" is max |ours - peer| / max |peer| over the result; above 1e-9 (float64) or
1e-3 (float32) the row says DISAGREE and the script exits with status 1. Where ours cannot run (no
CUDA backend) the peer is still timed, on inputs of the same kind.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
JAR = os.path.join(os.path.dirname(HERE), "target", "benchmarks.jar")
CPU_CASES = ["gemm:4096:32", "gram:65536:32", "nop:1024:32", "nop:4096:8", "nop:4096:32", "finite:1024:32:2:sgd",
             "finite:4096:32:2:sgd", "finite:2048:8:3:adam", "mu:4096:8:2:sgd", "mu:4096:8:3:smoothsign"]
GPU_CASES = ["gemm:16384:32", "gram:1048576:32", "nop:16384:32", "nop:65536:32", "finite:8192:32:3:adam",
             "mu:16384:8:3:smoothsign"]


def inputs(rows, cols, phase):
    r = np.arange(rows)[:, None]
    c = np.arange(cols)[None, :]
    return np.sin(0.7 * r + 1.3 * c + phase)


def write(path, array):
    """Column-major float64, the format of RawFiles.java."""
    np.asarray(array, dtype=np.float64).ravel(order="F").tofile(path)


def read(path, rows=None, cols=None):
    a = np.fromfile(path, dtype="<f8")
    return a if rows is None else a.reshape(cols, rows).T.copy()


def ours(args, work, computation):
    # the module flag as the launcher passes it: ours runs its register-blocked products
    cmd = ["java", "-Xmx" + args.heap, "--add-modules=jdk.incubator.vector", "-cp", JAR,
           "io.github.infinitewidth.benchmarks.Compare", args.backend,
           args.precision, str(args.warmups), str(args.reps), work] + computation
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode == 3:
        return None, run.stderr.strip()
    if run.returncode != 0:
        sys.exit("ours failed: " + " ".join(cmd) + "\n" + run.stderr)
    return json.loads(run.stdout.strip().splitlines()[-1])["median"], None


def timed(args, before, once, sync):
    for _ in range(args.warmups):
        before()
        once()
        sync()
    seconds = []
    for _ in range(args.reps):
        before()
        sync()
        start = time.perf_counter()
        once()
        sync()
        seconds.append(time.perf_counter() - start)
    return float(np.median(seconds))


def peer_module(args):
    if args.device == "cuda":
        import torch_peers
        return torch_peers
    import numpy_peers
    return numpy_peers


def case_nop(args, work, n, m):
    a, b = inputs(n, m, 0.1), inputs(n, m, 0.2)
    c = np.sin(1.3 * np.arange(m) + 0.4)
    for name, value in (("a", a), ("b", b), ("c", c)):
        write(os.path.join(work, name + ".f64"), value)
    ours_s, why = ours(args, work, ["nop", str(n), str(m), "0.1"])
    peers = peer_module(args)
    pa, pb, pc = peers.to_device(a), peers.to_device(b), peers.to_device(c)
    result = {}
    peer_s = timed(args, lambda: None,
                   lambda: result.__setitem__("out", peers.nonlinear_outer_product(pa, pb, pb, pc, 0.1, 1.0 / (n - 1))),
                   peers.synchronize)
    peer_out = peers.to_host(result["out"])
    diff = None if why else np.abs(read(os.path.join(work, "out.f64"), n, m) - peer_out).max() / np.abs(peer_out).max()
    return ("nonlinear outer product (smoothsign)", f"N={n} m={m}", ours_s, peer_s, diff, why)


def case_linear(args, work, kind, n, m):
    """gemm or gram: the two dense kernels every engine is built on, against the peer's BLAS."""
    b = inputs(n, m, 0.2)
    a = inputs(n, m, 0.1)
    write(os.path.join(work, "b.f64"), b)
    write(os.path.join(work, "a.f64"), a)
    if kind == "gemm":
        w = inputs(n, n, 0.3) / np.sqrt(n)
        write(os.path.join(work, "w.f64"), w)
    ours_s, why = ours(args, work, [kind, str(n), str(m)])
    peers = peer_module(args)
    result = {}
    if kind == "gemm":
        pw, pb = peers.to_device(w), peers.to_device(b)
        run, shape = (lambda: result.__setitem__("out", peers.gemm(pw, pb))), (n, m)
    else:
        pa = peers.to_device(a)
        run, shape = (lambda: result.__setitem__("out", peers.gram(pa))), (m, m)
    peer_s = timed(args, lambda: None, run, peers.synchronize)
    peer_out = peers.to_host(result["out"])
    diff = None if why else np.abs(read(os.path.join(work, "out.f64"), *shape) - peer_out).max() / np.abs(peer_out).max()
    name = "GEMM W (N x N) B (N x m)" if kind == "gemm" else "Gram (1/N) A^T A"
    return (name, f"N={n} m={m}", ours_s, peer_s, diff, why)


def case_finite(args, work, n, m, depth, optimizer):
    ours_s, why = ours(args, work, ["finite", str(n), str(m), str(depth), optimizer])
    d = 2
    if why:
        # ours cannot run here, so it wrote no weights: time the peer alone on weights of the same
        # distribution (muP: u ~ N(0, 1/d), W ~ N(0, 1/n), v ~ N(0, 1)) and the same inputs
        rng = np.random.default_rng(1)
        u0 = rng.standard_normal((n, d)) / np.sqrt(d)
        ws0 = [rng.standard_normal((n, n)) / np.sqrt(n) for _ in range(2, depth + 1)]
        v0 = rng.standard_normal(n)
        xi = np.array([[-1 + 2 * i / max(1, m - 1) for i in range(m)], [0.5] * m])
        y = 0.8 * xi[0]
    else:
        u0 = read(os.path.join(work, "u.f64"), n, d)
        ws0 = [read(os.path.join(work, f"w{l}.f64"), n, n) for l in range(2, depth + 1)]
        v0 = read(os.path.join(work, "v.f64"))
        xi = read(os.path.join(work, "xi.f64"), d, m)
        y = read(os.path.join(work, "y.f64"))
    peers = peer_module(args)
    host = [np.ascontiguousarray(w) for w in [u0] + ws0 + [v0]]
    xi_d, y_d = peers.to_device(xi), peers.to_device(y)
    fresh = {}

    def before():
        # a fresh copy of the initial weights for every run, as ours draws them afresh (untimed)
        params = [peers.to_device(p) for p in host]
        fresh.update(u=params[0], ws=params[1:-1], v=params[-1], state={})

    peer_s = timed(args, before,
                   lambda: peers.finite_mup_step(fresh["u"], fresh["ws"], fresh["v"], xi_d, y_d, 0.05, optimizer,
                                                 0, fresh["state"]),
                   peers.synchronize)
    f1 = peers.to_host(peers.finite_mup_outputs(fresh["u"], fresh["ws"], fresh["v"], xi_d))
    diff = None if why else np.abs(read(os.path.join(work, "f1.f64")) - f1).max() / np.abs(f1).max()
    return (f"finite muP step ({optimizer})", f"N={n} m={m} L={depth}", ours_s, peer_s, diff, why)


def case_mu(args, work, n, m, depth, optimizer):
    name, size = f"deep muP-limit first step ({optimizer})", f"N={n} m={m} L={depth}"
    ours_s, why = ours(args, work, ["mu", str(n), str(m), str(depth), optimizer])
    d = 2
    if why:
        # ours wrote no random draws: time the peer alone on draws of the same law
        rng = np.random.default_rng(1)
        u = rng.standard_normal((n, d)) / np.sqrt(d)
        v = rng.standard_normal(n)
        fwd = [rng.standard_normal((n, 2 * m)) for _ in range(2, depth + 1)]
        bwd = [rng.standard_normal((n, m)) for _ in range(2, depth + 1)]
        xi = np.array([[-1 + 2 * i / max(1, m - 1) for i in range(m)], [0.5] * m])
        y = 0.8 * xi[0]
    else:
        u = read(os.path.join(work, "u.f64"), n, d)
        v = read(os.path.join(work, "v.f64"))
        fwd = [read(os.path.join(work, f"fwd{l}.f64"), n, 2 * m) for l in range(2, depth + 1)]
        bwd = [read(os.path.join(work, f"bwd{l}.f64"), n, m) for l in range(2, depth + 1)]
        xi = read(os.path.join(work, "xi.f64"), d, m)
        y = read(os.path.join(work, "y.f64"))
    peers = peer_module(args)
    u, v, xi, y = (peers.to_device(a) for a in (u, v, xi, y))
    fwd = [peers.to_device(a) for a in fwd]
    bwd = [peers.to_device(a) for a in bwd]
    state = {}

    def before():
        state["limit"], state["chi"] = peers.mu_limit_start(u, v, xi, y, fwd, bwd, 0.05, optimizer)

    peer_s = timed(args, before, lambda: state.__setitem__("f1", peers.mu_limit_step(state["limit"], state["chi"])),
                   peers.synchronize)
    f1 = peers.to_host(state["f1"])
    diff = None if why else np.abs(read(os.path.join(work, "f1.f64")) - f1).max() / np.abs(f1).max()
    return (name, size, ours_s, peer_s, diff, why)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--device", choices=("cpu", "cuda"), default="cpu",
                   help="cpu: ours on the CPU backend in float64 against NumPy; cuda: ours on the CUDA backend in "
                        "float32 against PyTorch")
    p.add_argument("--warmups", type=int, default=1)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--heap", default="6g", help="the JVM's -Xmx for ours")
    p.add_argument("cases", nargs="*")
    args = p.parse_args()
    args.backend = args.device
    args.precision = "float32" if args.device == "cuda" else "float64"
    sys.path.insert(0, HERE)
    tolerance = 1e-3 if args.precision == "float32" else 1e-9
    disagree = 0
    cases = args.cases or (GPU_CASES if args.device == "cuda" else CPU_CASES)
    print(f"| computation | size | ours s ({args.device}, {args.precision}) | peer s ({peer_module(args).LABEL}) "
          f"| ours / peer | max rel diff |")
    print("|---|---|---|---|---|---|")
    for case in cases:
        kind, *sizes = case.split(":")
        with tempfile.TemporaryDirectory() as work:
            if kind == "nop":
                row = case_nop(args, work, int(sizes[0]), int(sizes[1]))
            elif kind in ("gemm", "gram"):
                row = case_linear(args, work, kind, int(sizes[0]), int(sizes[1]))
            elif kind == "mu":
                row = case_mu(args, work, int(sizes[0]), int(sizes[1]), int(sizes[2]), sizes[3])
            elif kind == "finite":
                row = case_finite(args, work, int(sizes[0]), int(sizes[1]), int(sizes[2]), sizes[3])
            else:
                sys.exit(f"unknown case {case}: use nop:N:M, gemm:N:M, gram:N:M, finite:N:M:L:OPT or mu:N:M:L:OPT")
        name, size, ours_s, peer_s, diff, why = row
        fmt = lambda s: "-" if s is None else f"{s:.4g}"
        ratio = "-" if ours_s is None or peer_s is None else f"{ours_s / peer_s:.2f}"
        verdict = "-" if diff is None else f"{diff:.1e}" + (" DISAGREE" if not diff <= tolerance else "")
        disagree += "DISAGREE" in verdict
        print(f"| {name} | {size} | {fmt(ours_s) if not why else 'unavailable: ' + why} | {fmt(peer_s)} | {ratio} "
              f"| {verdict} |", flush=True)
    if disagree:
        sys.exit(f"{disagree} case(s) disagree beyond {tolerance:g}")


if __name__ == "__main__":
    main()

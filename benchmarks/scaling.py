#!/usr/bin/env python3
"""Wall time per training step of the limit engines on one backend, as N, m, depth and steps vary.

Runs `bin/infinitewidth run` on generated jobs (one replica, so a step is one replica's step) and
prints a Markdown table. Usage, from the project root:

    python3 benchmarks/scaling.py nt     # NT limit: sgd (kernel) and smoothsign (pairs), N = 1024..65536
    python3 benchmarks/scaling.py mu     # muP limit: depth, N, m and steps for sgd and smoothsign

Times include building the kets and the JVM's warm-up; each job's summary.json gives wallSeconds
(engine time only, JVM start excluded). Divide by steps for seconds per step.
"""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def job(engine, layers, optimizer, particles, m, steps, batch=0, activation="tanh"):
    train = [[round(-1 + 2 * i / max(1, m - 1), 4), 0.5] for i in range(m)]
    targets = [round(0.8 * x[0], 4) for x in train]
    return {
        "engine": engine,
        "network": {"hiddenLayers": layers, "activation": activation},
        "optimizer": {"type": optimizer, "learningRate": 0.05, "epsilon": 0.1},
        "data": {"train": {"inputs": train, "targets": targets}},
        "training": {"steps": steps, "batchSize": batch, "shuffle": False},
        "simulation": {"particles": particles, "replicas": 1, "seed": 1, "backend": "cpu"},
    }


def run(spec):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "job.json")
        with open(path, "w") as f:
            json.dump(spec, f)
        out = os.path.join(tmp, "out")
        subprocess.run([os.path.join(ROOT, "bin", "infinitewidth"), "run", path, "--out", out, "--quiet"],
                       check=True)
        with open(os.path.join(out, "summary.json")) as f:
            return json.load(f)["wallSeconds"]


def table(rows, header):
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(str(x) for x in row) + " |")


def nt():
    rows = []
    for optimizer, sizes in (("sgd", (1024, 4096, 16384, 65536)), ("smoothsign", (1024, 4096, 16384, 65536))):
        for n in sizes:
            for m in (8, 32):
                steps = 10 if optimizer == "sgd" or n <= 4096 else 2
                seconds = run(job("nt-limit", 2, optimizer, n, m, steps))
                per_step = seconds / steps
                pairs = n * (n - 1) / per_step if optimizer != "sgd" else float("nan")
                rows.append((optimizer, n, m, steps, f"{seconds:.2f}", f"{per_step:.4f}",
                             "-" if optimizer == "sgd" else f"{pairs:.3g}"))
    table(rows, ("optimizer", "N", "m", "steps", "wall s", "s/step", "pairs/s (L=2: one pair term)"))


def mu():
    rows = []
    for optimizer in ("sgd", "smoothsign"):
        for layers, n, m, steps in ((1, 4096, 8, 20), (2, 1024, 8, 20), (2, 4096, 8, 20), (2, 16384, 8, 10),
                                    (3, 4096, 8, 20), (2, 4096, 32, 10), (2, 4096, 8, 40), (2, 4096, 8, 80)):
            if optimizer != "sgd" and n > 8192:
                continue
            seconds = run(job("mu-limit", layers, optimizer, n, m, steps))
            rows.append((optimizer, layers, n, m, steps, f"{seconds:.2f}", f"{seconds / steps:.4f}"))
    table(rows, ("optimizer", "L", "N", "m", "steps", "wall s", "s/step (mean over steps)"))


if __name__ == "__main__":
    {"nt": nt, "mu": mu}[sys.argv[1] if len(sys.argv) > 1 else "nt"]()

#!/usr/bin/env python3
"""Monte Carlo error of the muP limit versus N, next to the finite-width spread at width n = N.

For one setup (3 hidden tanh layers, sw = 1.5, sgd, 6 steps of minibatches of 2, 4 train and 1 test
inputs) it runs the mu-limit with N particles and finite muP networks of width N, 8 replicas/seeds
each, and prints for the final outputs: the spread of one replica (standard deviation over replicas,
i.e. the Monte Carlo error of a single run with N particles), the same for single networks of width
N, and the gap between the two means. Usage, from the project root:

    python3 benchmarks/error-vs-width.py
"""
import csv
import json
import os
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BASE = {
    "network": {"hiddenLayers": 3, "activation": "tanh", "initStd": {"input": 1.0, "hidden": 1.5, "output": 1.0}},
    "optimizer": {"type": "sgd", "learningRate": 0.5},
    "data": {"train": {"inputs": [[1.0, 0.4], [-0.6, 0.9], [0.3, -1.2], [-1.0, -0.5]],
                       "targets": [0.8, -0.6, 0.5, -0.7]},
             "test": {"inputs": [[0.6, 0.6]], "targets": [0.4]}},
    "training": {"steps": 6, "batchSize": 2},
    "simulation": {"replicas": 8, "seed": 1, "backend": "cpu"},
}


def final_outputs(engine, size):
    spec = json.loads(json.dumps(BASE))
    spec["engine"] = engine
    if engine == "finite":
        spec["parametrization"] = "mup"
        spec["network"]["width"] = size
    else:
        spec["simulation"]["particles"] = size
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "job.json")
        with open(path, "w") as f:
            json.dump(spec, f)
        out = os.path.join(tmp, "out")
        subprocess.run([os.path.join(ROOT, "bin", "infinitewidth"), "run", path, "--out", out, "--quiet"], check=True)
        with open(os.path.join(out, "trajectory.csv")) as f:
            rows = [r for r in csv.DictReader(f) if r["step"] == "6"]
        replicas = spec["simulation"]["replicas"]
        return [(float(r["output"]), float(r["stderr"]) * replicas ** 0.5) for r in rows]


print("| N = width | limit: sd of one replica | finite: sd of one network | limit mean - finite mean |")
print("|---|---|---|---|")
for n in (512, 1024, 2048, 4096):
    limit = final_outputs("mu-limit", n)
    finite = final_outputs("finite", n)
    sd_limit = sum(sd for _, sd in limit) / len(limit)
    sd_finite = sum(sd for _, sd in finite) / len(finite)
    gap = max(abs(a - b) for (a, _), (b, _) in zip(limit, finite))
    print(f"| {n} | {sd_limit:.4f} | {sd_finite:.4f} | {gap:.4f} (largest over the 5 inputs) |")

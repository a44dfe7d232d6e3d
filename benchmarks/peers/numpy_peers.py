"""The CPU peers: the benchmarked computations as a user would write them in NumPy without this
project (float64, NumPy's BLAS with its default threads). compare.py times them against ours on the
same inputs; each function is self-contained so it can be read next to the formula it implements.
"""
import numpy as np


def nonlinear_outer_product(a, b, c_out, c, eps, alpha, tile_rows=None):
    """out[a, i] = alpha * sum_{b != a} Q(sum_j c_j A[a, j] B[b, j]) C[b, i], Q(g) = g / sqrt(g^2 + eps^2).

    The N x N matrix G is materialized a tile of rows at a time (never whole: at N = 65536 it would
    be 32 GiB): one GEMM for the tile of G, Q in place, the diagonal zeroed, one GEMM into out.
    """
    n = a.shape[0]
    if tile_rows is None:
        # about 16 MiB of G per tile: large enough for BLAS to run at full speed, small enough
        # that the elementwise passes over it stay in the last-level cache
        tile_rows = max(1, min(n, (1 << 21) // n))
    ac = a * c
    bt = np.ascontiguousarray(b.T)
    out = np.empty((n, c_out.shape[1]))
    g = np.empty((tile_rows, n))
    tmp = np.empty((tile_rows, n))
    for a0 in range(0, n, tile_rows):
        rows = min(tile_rows, n - a0)
        gt, tt = g[:rows], tmp[:rows]
        np.matmul(ac[a0:a0 + rows], bt, out=gt)
        np.multiply(gt, gt, out=tt)
        tt += eps * eps
        np.sqrt(tt, out=tt)
        np.divide(gt, tt, out=gt)
        idx = np.arange(rows)
        gt[idx, a0 + idx] = 0.0
        np.matmul(gt, c_out, out=out[a0:a0 + rows])
    out *= alpha
    return out


def finite_mup_step(u, ws, v, xi, y, eta, optimizer, t=0, state=None, eps=1e-8, beta1=0.9, beta2=0.999):
    """One full-batch training step of a finite muP network (LIMITS.md 2.1): tanh, MSE, width n.

    u: n x d, ws: the hidden matrices W^2..W^L (n x n), v: n, xi: d x m inputs, y: m targets.
    Updates the arrays in place (and adam's state, a dict) and returns the outputs f before the
    step. Hidden learning rate eta/n, input and output eta, normalized gradients as in 2.1.
    """
    n = u.shape[0]
    m = xi.shape[1]
    h = [u @ xi]
    x = [np.tanh(h[0])]
    for w in ws:
        h.append(w @ x[-1])
        x.append(np.tanh(h[-1]))
    f = v @ x[-1] / n
    chi = (f - y) / m
    dh = [None] * len(x)
    dh[-1] = v[:, None] * (1.0 - x[-1] ** 2)
    for l in range(len(ws), 0, -1):
        dh[l - 1] = (ws[l - 1].T @ dh[l]) * (1.0 - x[l - 1] ** 2)
    grads = [(dh[l] * chi) @ x[l - 1].T for l in range(1, len(x))]
    grad_u = (dh[0] * chi) @ xi.T
    grad_v = x[-1] @ chi
    params = ws + [u, v]
    rates = [eta / n] * len(ws) + [eta, eta]
    for k, (p, g, rate) in enumerate(zip(params, grads + [grad_u, grad_v], rates)):
        if optimizer == "sgd":
            p -= rate * g
        else:
            if k not in state:
                state[k] = (np.zeros_like(p), np.zeros_like(p))
            mom, sec = state[k]
            mom *= beta1
            mom += (1 - beta1) * g
            sec *= beta2
            sec += (1 - beta2) * g * g
            p -= rate * (mom / (1 - beta1 ** (t + 1))) / (np.sqrt(sec / (1 - beta2 ** (t + 1))) + eps)
    return f


def finite_mup_outputs(u, ws, v, xi):
    """f(xi_j) = (1/n) v . x^L(xi_j) of the finite muP network."""
    x = np.tanh(u @ xi)
    for w in ws:
        x = np.tanh(w @ x)
    return v @ x / u.shape[0]


def to_device(a):
    """A private copy (the peers update weights in place)."""
    return np.array(a, dtype=np.float64)


def to_host(a):
    return a


def synchronize():
    """NumPy returns when the work is done."""

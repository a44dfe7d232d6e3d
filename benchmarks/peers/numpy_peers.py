"""The CPU peers: the benchmarked computations as a user would write them in NumPy without this
project (float64, NumPy's BLAS with its default threads). compare.py times them against ours on the
same inputs; each function is self-contained so it can be read next to the formula it implements.
"""
import numpy as np

LABEL = "NumPy " + np.__version__ + ", float64"


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



def gemm(w, b):
    """W B: a hidden layer of width N on M inputs."""
    return w @ b


def gram(a):
    """(1/N) A^T A: the particle estimate of E[a_i a_j]."""
    return a.T @ a / a.shape[0]


class HatFamily:
    """The hats What y of one initial matrix (LIMITS.md section 5): jointly Gaussian, zero mean,
    Cov(hat(y), hat(y')) = sw^2 <y, y'> with <y, y'> = mean over particles of y y'.

    Kept as an orthonormal basis Q of every y seen (Gram-Schmidt in the particle inner product,
    one re-orthogonalization pass) and the hats Z of its columns, independent N(0, sw^2) columns
    taken in order from `draws` (N x K); then hat(y) = Z Q^T y / N. Inputs whose residual is below
    1e-8 of their norm add no column.
    """

    def __init__(self, draws, sw):
        self.draws = draws
        self.sw = sw
        self.q = np.zeros((draws.shape[0], 0))

    def sample(self, y):
        n = y.shape[0]
        r = y.copy()
        for _ in range(2):
            r -= self.q @ (self.q.T @ r / n)
        new = []
        for j in range(y.shape[1]):
            rj = r[:, j].copy()
            for _ in range(2):
                for q in new:
                    rj -= q * (q @ rj / n)
            norm = np.sqrt(rj @ rj / n)
            if norm > 1e-8 * np.sqrt(y[:, j] @ y[:, j] / n):
                new.append(rj / norm)
        if new:
            self.q = np.column_stack([self.q] + new)
        return self.draws[:, :self.q.shape[1]] @ (self.q.T @ y / n)

    def dot(self, g):
        """sw^2 sum_i q_i E[dg / d hat(q_i)], the expectation by Stein's lemma: the least-squares
        coefficients of g on the hats, with intercept."""
        k = self.q.shape[1]
        if k == 0:
            return 0.0
        n = g.shape[0]
        z = self.draws[:, :k]
        zc = z - z.mean(axis=0)
        beta = np.linalg.solve(zc.T @ zc / n, zc.T @ (g - g.mean(axis=0)) / n)
        return self.sw ** 2 * (self.q @ beta)


class MuLimit:
    """The deep muP limit (LIMITS.md section 5) over N particles: tanh, MSE, full batch, learning rate
    eta for every layer, Q = sgd, smoothsign (eps 0.1) or adam (eps 1e-8, betas 0.9 and 0.999, every
    entry and every pair with its own moments). u (N x d) and v (N) are the particles' input and
    output weights; fwd[l] and bwd[l] the Gaussian draws of hidden matrix l's hat families."""

    def __init__(self, u, v, xi, fwd, bwd, eta, optimizer, eps=None, sw=1.0):
        self.u, self.v, self.xi = u.copy(), v.copy(), xi
        self.eta, self.optimizer = eta, optimizer
        self.eps = eps if eps is not None else (1e-8 if optimizer == "adam" else 0.1)
        self.n = u.shape[0]
        self.fwd = [HatFamily(f, sw) for f in fwd]
        self.bwd = [HatFamily(b, sw) for b in bwd]
        # DeltaW: sgd keeps the low-rank history (dh diag(chi), x); the others the N x N pair matrix,
        # adam also the pairs' two moments
        self.history = [[] for _ in fwd]
        self.pairs = [np.zeros((self.n, self.n)) for _ in fwd] if optimizer != "sgd" else None
        self.moments = {}
        self.t = 0

    def q(self, g, key=None):
        if self.optimizer == "sgd":
            return g
        if self.optimizer == "smoothsign":
            return g / np.sqrt(g * g + self.eps ** 2)
        m, v = self.moments.get(key, (0.0, 0.0))
        m = 0.9 * m + (1 - 0.9) * g
        v = 0.999 * v + (1 - 0.999) * g * g
        self.moments[key] = (m, v)
        return (m / (1 - 0.9 ** (self.t + 1))) / (np.sqrt(v / (1 - 0.999 ** (self.t + 1))) + self.eps)

    def delta(self, k, y, transposed):
        if self.pairs is not None:
            p = self.pairs[k]
            return -self.eta / self.n * ((p.T if transposed else p) @ y)
        out = 0.0
        for dh_chi, x in self.history[k]:
            left, right = (x, dh_chi) if transposed else (dh_chi, x)
            out = out - self.eta * (left @ (right.T @ y / self.n))
        return out

    def forward(self):
        self.x = [np.tanh(self.u @ self.xi)]
        for k in range(len(self.fwd)):
            x = self.x[-1]
            self.x.append(np.tanh(self.fwd[k].sample(x) + self.bwd[k].dot(x) + self.delta(k, x, False)))
        return self.v @ self.x[-1] / self.n

    def train(self, chi):
        layers = len(self.x)
        dh = [None] * layers
        dh[-1] = self.v[:, None] * (1.0 - self.x[-1] ** 2)
        for k in range(layers - 2, -1, -1):
            z = dh[k + 1]
            dx = self.bwd[k].sample(z) + self.fwd[k].dot(z) + self.delta(k, z, True)
            dh[k] = dx * (1.0 - self.x[k] ** 2)
        grad_v = self.x[-1] @ chi
        grad_u = (dh[0] * chi) @ self.xi.T
        for k in range(layers - 1):
            dh_chi = dh[k + 1] * chi
            if self.pairs is None:
                self.history[k].append((dh_chi, self.x[k]))
            else:
                g = self.q(dh_chi @ self.x[k].T, ("pairs", k))
                np.fill_diagonal(g, 0.0)
                self.pairs[k] += g
        self.v -= self.eta * self.q(grad_v, "v")
        self.u -= self.eta * self.q(grad_u, "u")
        self.t += 1


def mu_limit_start(u, v, xi, y, fwd, bwd, eta, optimizer):
    """A fresh limit and its step-0 error signal (not part of the timed step)."""
    limit = MuLimit(u, v, xi, fwd, bwd, eta, optimizer)
    f = limit.forward()
    return limit, (f - y) / xi.shape[1]


def mu_limit_step(limit, chi):
    """The timed part: step 0's backward pass and updates, then step 1's forward pass; returns f_1."""
    limit.train(chi)
    return limit.forward()


def to_device(a):
    """A private copy (the peers update weights in place)."""
    return np.array(a, dtype=np.float64)


def to_host(a):
    return a


def synchronize():
    """NumPy returns when the work is done."""

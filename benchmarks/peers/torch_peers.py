"""The GPU peers: the computations of numpy_peers.py as a user would write them in PyTorch (float32
on the GPU, the GPU servers' default), with the same signatures so compare.py can swap them in.
Without a GPU they run on the CPU, which is only useful to check them.
"""
import numpy as np
import torch

DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
DTYPE = torch.float32
LABEL = f"PyTorch {torch.__version__} on {DEVICE.type}, float32"


def to_device(a):
    return torch.tensor(np.asarray(a), dtype=DTYPE, device=DEVICE)


def to_host(a):
    return a.detach().to("cpu", torch.float64).numpy()


def synchronize():
    if DEVICE.type == "cuda":
        torch.cuda.synchronize()


def nonlinear_outer_product(a, b, c_out, c, eps, alpha, tile_rows=None):
    """out[a, i] = alpha * sum_{b != a} Q(sum_j c_j A[a, j] B[b, j]) C[b, i], Q(g) = g / sqrt(g^2 + eps^2).

    G is materialized a tile of rows at a time: one matmul, Q in place, the diagonal zeroed, one
    matmul into out. (torch.compile could fuse Q into fewer passes; users of plain PyTorch write this.)
    """
    n = a.shape[0]
    if tile_rows is None:
        # about 512 MiB of G per tile: the GPU is kept busy, memory stays well below its size
        tile_rows = max(1, min(n, (1 << 27) // n))
    ac = a * c
    out = torch.empty((n, c_out.shape[1]), dtype=a.dtype, device=a.device)
    for a0 in range(0, n, tile_rows):
        rows = min(tile_rows, n - a0)
        g = ac[a0:a0 + rows] @ b.T
        g.div_(torch.sqrt(g * g + eps * eps))
        idx = torch.arange(rows, device=a.device)
        g[idx, a0 + idx] = 0.0
        torch.matmul(g, c_out, out=out[a0:a0 + rows])
    out.mul_(alpha)
    return out


def gemm(w, b):
    return w @ b


def gram(a):
    return a.T @ a / a.shape[0]


def finite_mup_step(u, ws, v, xi, y, eta, optimizer, t=0, state=None, eps=1e-8, beta1=0.9, beta2=0.999):
    """One full-batch step of a finite muP network (LIMITS.md 2.1), as numpy_peers.finite_mup_step."""
    n = u.shape[0]
    m = xi.shape[1]
    h = [u @ xi]
    x = [torch.tanh(h[0])]
    for w in ws:
        h.append(w @ x[-1])
        x.append(torch.tanh(h[-1]))
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
            p.sub_(rate * g)
        else:
            if k not in state:
                state[k] = (torch.zeros_like(p), torch.zeros_like(p))
            mom, sec = state[k]
            mom.mul_(beta1).add_((1 - beta1) * g)
            sec.mul_(beta2).add_((1 - beta2) * g * g)
            p.sub_(rate * (mom / (1 - beta1 ** (t + 1))) / (torch.sqrt(sec / (1 - beta2 ** (t + 1))) + eps))
    return f


def finite_mup_outputs(u, ws, v, xi):
    x = torch.tanh(u @ xi)
    for w in ws:
        x = torch.tanh(w @ x)
    return v @ x / u.shape[0]


class HatFamily:
    """numpy_peers.HatFamily in PyTorch: the hats What y of one initial matrix, kept as an
    orthonormal basis Q (particle inner product) and the hats of its columns, taken in order from
    `draws` (N x K)."""

    def __init__(self, draws, sw):
        self.draws = draws
        self.sw = sw
        self.q = draws[:, :0]

    def sample(self, y):
        n = y.shape[0]
        r = y.clone()
        for _ in range(2):
            r -= self.q @ (self.q.T @ r / n)
        new = []
        for j in range(y.shape[1]):
            rj = r[:, j].clone()
            for _ in range(2):
                for q in new:
                    rj -= q * (q @ rj / n)
            norm = torch.sqrt(rj @ rj / n)
            if norm > 1e-4 * torch.sqrt(y[:, j] @ y[:, j] / n):
                new.append(rj / norm)
        if new:
            self.q = torch.column_stack([self.q] + new)
        return self.draws[:, :self.q.shape[1]] @ (self.q.T @ y / n)

    def dot(self, g):
        k = self.q.shape[1]
        if k == 0:
            return 0.0
        n = g.shape[0]
        z = self.draws[:, :k]
        zc = z - z.mean(dim=0)
        beta = torch.linalg.solve(zc.T @ zc / n, zc.T @ (g - g.mean(dim=0)) / n)
        return self.sw ** 2 * (self.q @ beta)


class MuLimit:
    """numpy_peers.MuLimit in PyTorch (float32: the drop tolerance is 1e-4, as the engine's)."""

    def __init__(self, u, v, xi, fwd, bwd, eta, optimizer, eps=0.1, sw=1.0):
        self.u, self.v, self.xi = u.clone(), v.clone(), xi
        self.eta, self.optimizer, self.eps = eta, optimizer, eps
        self.n = u.shape[0]
        self.fwd = [HatFamily(f, sw) for f in fwd]
        self.bwd = [HatFamily(b, sw) for b in bwd]
        self.history = [[] for _ in fwd]
        self.pairs = [torch.zeros((self.n, self.n), dtype=u.dtype, device=u.device) for _ in fwd] \
            if optimizer != "sgd" else None

    def q(self, g):
        return g if self.optimizer == "sgd" else g / torch.sqrt(g * g + self.eps ** 2)

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
        self.x = [torch.tanh(self.u @ self.xi)]
        for k in range(len(self.fwd)):
            x = self.x[-1]
            self.x.append(torch.tanh(self.fwd[k].sample(x) + self.bwd[k].dot(x) + self.delta(k, x, False)))
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
                g = self.q(dh_chi @ self.x[k].T)
                g.fill_diagonal_(0.0)
                self.pairs[k] += g
        self.v -= self.eta * self.q(grad_v)
        self.u -= self.eta * self.q(grad_u)


def mu_limit_start(u, v, xi, y, fwd, bwd, eta, optimizer):
    limit = MuLimit(u, v, xi, fwd, bwd, eta, optimizer)
    f = limit.forward()
    return limit, (f - y) / xi.shape[1]


def mu_limit_step(limit, chi):
    limit.train(chi)
    return limit.forward()

"""Writes the fixtures of exact's tests: problems and their gradients to
50 significant digits, by backpropagation in Python's decimal arithmetic,
sharing no code with backproof.

Each fixture is {"name", "problem": <a problem file>, "left": [...],
"right": [...], "on_kink": N}: the gradient in the order of the problem's
parameters (layer by layer, W row by row in the file's layout, then b) as
decimal strings, with relu′ and leaky-relu′ taken as the left slope (0,
0.01) and as the right slope (1) at pre-activations exactly 0, and how many
pre-activations are exactly 0.

Run with Debian's python:  /usr/bin/python3 exact/testdata/gen.py
"""
import json
import os
import random
from decimal import Decimal as D, getcontext

getcontext().prec = 50
here = os.path.dirname(os.path.abspath(__file__))
rnd = random.Random(2026)
LEAKY = D(0.01)  # the float64 0.01, exactly as backproof's leaky-relu has it


def f64(x):
    return float(x)


def act(name, z):
    """f(z) and f'(z); at z = 0 the kinked ones' f' is decided by the caller."""
    if name == "sigmoid":
        s = 1 / (1 + (-z).exp())
        return s, s * (1 - s)
    if name == "tanh":
        e = (2 * z).exp()
        t = (e - 1) / (e + 1)
        return t, 1 - t * t
    if name == "relu":
        return (z if z > 0 else D(0)), (D(1) if z > 0 else D(0))
    if name == "leaky-relu":
        return (z if z > 0 else LEAKY * z), (D(1) if z > 0 else LEAKY)
    if name == "softplus":
        return (1 + z.exp()).ln(), 1 / (1 + (-z).exp())
    if name == "identity":
        return z, D(1)
    raise ValueError(name)


def backprop(Ws, bs, acts, X, Y, cost, reduction, slope_at_kink):
    """Row layout: Ws[l] is n_{l}×n_{l+1} lists of Decimal, X and Y lists of
    examples. Returns dWs (row layout), dbs, and the count of z == 0 in
    kinked layers."""
    L = len(Ws)
    m = len(X)
    dWs = [[[D(0)] * len(W[0]) for _ in W] for W in Ws]
    dbs = [[D(0)] * len(b) for b in bs]
    zeros = 0
    for x, y in zip(X, Y):
        a, zs, As, fps = list(x), [None], [list(x)], [None]
        for l in range(L):
            z = [bs[l][k] + sum(a[j] * Ws[l][j][k] for j in range(len(a))) for k in range(len(bs[l]))]
            if acts[l] == "softmax":
                top = max(z)
                e = [(v - top).exp() for v in z]
                s = sum(e)
                a, fp = [v / s for v in e], None
            else:
                pairs = [act(acts[l], v) for v in z]
                a, fp = [p[0] for p in pairs], [p[1] for p in pairs]
                if acts[l] in ("relu", "leaky-relu"):
                    for k, v in enumerate(z):
                        if v == 0:
                            zeros += 1
                            fp[k] = D(1) if slope_at_kink == "right" else (D(0) if acts[l] == "relu" else LEAKY)
            zs.append(z)
            As.append(a)
            fps.append(fp)
        aL = As[L]
        if cost == "cross-entropy" and acts[L - 1] == "sigmoid":
            delta = [aL[k] - y[k] for k in range(len(y))]
        else:
            g = []
            for k in range(len(y)):
                if cost == "quadratic":
                    g.append(aL[k] - y[k])
                elif cost == "sum-squares":
                    g.append(2 * (aL[k] - y[k]))
                elif cost == "cross-entropy":
                    v = D(0)
                    if y[k] != 0:
                        v -= y[k] / aL[k]
                    if y[k] != 1:
                        v += (1 - y[k]) / (1 - aL[k])
                    g.append(v)
                elif cost == "log-likelihood":
                    g.append(-y[k] / aL[k] if y[k] != 0 else D(0))
            if acts[L - 1] == "softmax":
                ag = sum(aL[k] * g[k] for k in range(len(g)))
                delta = [aL[k] * (g[k] - ag) for k in range(len(g))]
            else:
                delta = [g[k] * fps[L][k] for k in range(len(g))]
        for l in range(L, 0, -1):
            prev = As[l - 1]
            for j in range(len(prev)):
                for k in range(len(delta)):
                    dWs[l - 1][j][k] += prev[j] * delta[k]
            for k in range(len(delta)):
                dbs[l - 1][k] += delta[k]
            if l == 1:
                break
            delta = [sum(Ws[l - 1][j][k] * delta[k] for k in range(len(delta))) * fps[l - 1][j] for j in range(len(prev))]
    R = D(1) / m if reduction == "mean" else D(1)
    return [[[v * R for v in row] for row in W] for W in dWs], [[v * R for v in b] for b in dbs], zeros


def transpose(M):
    return [list(r) for r in zip(*M)]


def fixture(name, convention, sizes, acts, cost, reduction, X, Y, Ws=None, bs=None, scale=1.0):
    """X, Y as lists of examples (row layout); weights drawn unless given."""
    if Ws is None:
        Ws = [[[rnd.gauss(0, scale) for _ in range(b)] for _ in range(a)] for a, b in zip(sizes, sizes[1:])]
    if bs is None:
        bs = [[rnd.gauss(0, 1) for _ in range(b)] for b in sizes[1:]]
    Dw = [[[D(v) for v in r] for r in W] for W in Ws]
    Db = [[D(v) for v in b] for b in bs]
    DX = [[D(v) for v in r] for r in X]
    DY = [[D(v) for v in r] for r in Y]
    col = convention != "row"
    out = {"name": name, "problem": {
        "convention": convention, "cost": cost, "reduction": reduction,
        "layers": [{"activation": a, "W": (transpose(W) if col else W), "b": b} for W, b, a in zip(Ws, bs, acts)],
        "X": transpose(X) if col else X, "Y": transpose(Y) if col else Y}}
    for side in ("left", "right"):
        dWs, dbs, zeros = backprop(Dw, Db, acts, DX, DY, cost, reduction, side)
        flat = []
        for dW, db in zip(dWs, dbs):
            for r in (transpose(dW) if col else dW):
                flat += [str(v) for v in r]
            flat += [str(v) for v in db]
        out[side] = flat
        out["on_kink"] = zeros
    return out


def batch(m, n, f=lambda: rnd.gauss(0, 1)):
    return [[f() for _ in range(n)] for _ in range(m)]


fixtures = []
fixtures.append(fixture("row-sigmoid-quadratic", "row", [3, 4, 2], ["sigmoid", "sigmoid"], "quadratic", "mean",
                        batch(5, 3), batch(5, 2, rnd.random)))
fixtures.append(fixture("column-tanh-softplus-sum-squares", "column", [4, 3, 2], ["tanh", "softplus"], "sum-squares", "sum",
                        batch(6, 4), batch(6, 2)))
fixtures.append(fixture("per-example-sigmoid-cross-entropy", "per-example", [3, 5, 2], ["tanh", "sigmoid"], "cross-entropy", "mean",
                        batch(4, 3), batch(4, 2, rnd.random), scale=3))
fixtures.append(fixture("row-softmax-log-likelihood", "row", [4, 3, 3], ["leaky-relu", "softmax"], "log-likelihood", "mean",
                        batch(5, 4), [[1.0 if k == i % 3 else 0.0 for k in range(3)] for i in range(5)]))
fixtures.append(fixture("row-softmax-quadratic", "row", [3, 4, 3], ["tanh", "softmax"], "quadratic", "sum",
                        batch(4, 3), batch(4, 3, rnd.random)))
fixtures.append(fixture("column-identity-sum-squares", "column", [2, 3, 2], ["identity", "identity"], "sum-squares", "mean",
                        batch(3, 2), batch(3, 2)))
fixtures.append(fixture("row-saturated-sigmoid", "row", [3, 4, 2], ["sigmoid", "sigmoid"], "cross-entropy", "mean",
                        batch(5, 3), [[1.0, 0.0]] * 5, bs=[[0.1, -0.2, 0.3, 0.4], [30.0, -30.0]]))

# Kinks: integer inputs and weights, zero biases, so that some z¹ are 0
# exactly, in float64 and in decimal alike.
X = [[1.0, 1.0, 2.0], [0.0, 0.0, 0.0], [1.0, -2.0, 1.0], [2.0, 1.0, -1.0]]
W1 = [[1.0, 2.0, -1.0, 1.0], [-1.0, 0.0, 1.0, 1.0], [0.0, -1.0, 1.0, -2.0]]
W2 = [[rnd.gauss(0, 1) for _ in range(2)] for _ in range(4)]
for a1 in ("relu", "leaky-relu"):
    fixtures.append(fixture(f"row-{a1}-kinks", "row", [3, 4, 2], [a1, "identity"], "quadratic", "mean",
                            X, batch(4, 2), Ws=[W1, W2], bs=[[0.0] * 4, [0.1, -0.3]]))

# Fitted outputs: targets within 3e-10 of the outputs, computed here in 50
# digits and rounded to float64, so that a − y cancels in float64.
Ws = [[[rnd.gauss(0, 1) for _ in range(4)] for _ in range(3)], [[rnd.gauss(0, 1) for _ in range(2)] for _ in range(4)]]
bs = [[rnd.gauss(0, 1) for _ in range(4)], [rnd.gauss(0, 1) for _ in range(2)]]
X = batch(5, 3)
Y = []
for x in X:
    a = [D(v) for v in x]
    for l in range(2):
        a = [act("sigmoid", D(bs[l][k]) + sum(a[j] * D(Ws[l][j][k]) for j in range(len(a))))[0] for k in range(len(bs[l]))]
    Y.append([f64(v + D("3e-10") * rnd.choice([-1, 1])) for v in a])
fixtures.append(fixture("row-fitted", "row", [3, 4, 2], ["sigmoid", "sigmoid"], "quadratic", "mean", X, Y, Ws=Ws, bs=bs))

with open(os.path.join(here, "fixtures.json"), "w") as f:
    json.dump(fixtures, f, indent=0)

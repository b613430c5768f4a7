"""Writes regularized problems and their gradients by torch's autograd at
float64, for TestRegularizedTorch.

Each problem has an L2 term and inverted dropout on its hidden layers,
with the masks drawn here and saved in the problem file:

  C = C0 + (lambda / (2 N)) sum_l ||W^l||^2      (weights only)
  A^l = (D^l * f(Z^l)) / p                      (hidden layers)

  ng        column, relu, relu, sigmoid, cross-entropy, mean: the second
            course's three-layer net, lambd = 0.7 over m (the default N),
            keep_prob = 0.86
  nielsen   per-example, sigmoid, cross-entropy, mean over the batch,
            lambda = 5 over n = 50 (chapter 3's lambda/(2n)), p = 0.5
  summed    row, tanh, softmax, log-likelihood, sum: lambda = 0.1 over N = 1
            (the default for a sum), p = 0.7

torch computes the cost forward and differentiates it; nothing here is
backpropagation written by hand. Regenerate with Debian's torch:
/usr/bin/python3 gradfile/testdata/gen_reg_torch.py
"""
import json
import os

import numpy as np
import torch

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(22)

ACT = {
    "relu": torch.relu,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
}


def case(name, conv, sizes, acts, cost, reduction, lam, lam_n, keep, m):
    col = conv != "row"
    L = len(sizes) - 1
    # parameters in the column sense (W is n_l x n_{l-1}), transposed for row
    Ws = [rng.normal(size=(sizes[l + 1], sizes[l])) / np.sqrt(sizes[l]) for l in range(L)]
    bs = [rng.normal(size=sizes[l + 1]) * 0.1 for l in range(L)]
    X = rng.normal(size=(sizes[0], m))
    if cost == "log-likelihood":
        Y = np.zeros((sizes[-1], m))
        Y[rng.integers(0, sizes[-1], size=m), np.arange(m)] = 1
    else:
        Y = rng.random(size=(sizes[-1], m))
    Ds = [(rng.random(size=(sizes[l + 1], m)) < keep).astype(float) for l in range(L - 1)]

    tW = [torch.tensor(W, dtype=torch.float64, requires_grad=True) for W in Ws]
    tb = [torch.tensor(b, dtype=torch.float64, requires_grad=True) for b in bs]
    A = torch.tensor(X, dtype=torch.float64)
    for l in range(L):
        Z = tW[l] @ A + tb[l][:, None]
        if acts[l] == "softmax":
            A = torch.softmax(Z, dim=0)
        else:
            A = ACT[acts[l]](Z)
        if l < L - 1:
            A = torch.tensor(Ds[l]) * A / keep
    T = torch.tensor(Y, dtype=torch.float64)
    if cost == "cross-entropy":
        per = -(T * torch.log(A) + (1 - T) * torch.log(1 - A)).sum()
    elif cost == "log-likelihood":
        per = -(T * torch.log(A)).sum()
    else:
        per = 0.5 * ((A - T) ** 2).sum()
    R = 1.0 / m if reduction == "mean" else 1.0
    N = lam_n if lam_n else (m if reduction == "mean" else 1)
    C = R * per + lam / (2 * N) * sum((W ** 2).sum() for W in tW)
    C.backward()

    def lay(M):  # a column-sense matrix in the convention's layout
        return M if col else M.T

    layers = []
    for l in range(L):
        ly = {"activation": acts[l], "W": lay(Ws[l]).tolist(), "b": bs[l].tolist()}
        if l < L - 1:
            ly["keep_prob"] = keep
            ly["D"] = lay(Ds[l]).tolist()
        layers.append(ly)
    p = {"convention": conv, "cost": cost, "reduction": reduction, "lambda": lam}
    if lam_n:
        p["lambda_n"] = lam_n
    p.update({"layers": layers, "X": lay(X).tolist(), "Y": lay(Y).tolist()})
    with open(os.path.join(here, f"reg-{name}-problem.json"), "w") as f:
        json.dump(p, f)
    g = {"layers": [{"dW": lay(tW[l].grad.numpy()).tolist(), "db": tb[l].grad.numpy().tolist()} for l in range(L)]}
    with open(os.path.join(here, f"reg-{name}-torch.json"), "w") as f:
        json.dump({"cost": C.item(), **g}, f)


case("ng", "column", [4, 5, 3, 1], ["relu", "relu", "sigmoid"], "cross-entropy", "mean", 0.7, 0, 0.86, 6)
case("nielsen", "per-example", [5, 4, 3], ["sigmoid", "sigmoid"], "cross-entropy", "mean", 5.0, 50, 0.5, 4)
case("summed", "row", [3, 6, 4, 3], ["tanh", "tanh", "softmax"], "log-likelihood", "sum", 0.1, 0, 0.7, 5)

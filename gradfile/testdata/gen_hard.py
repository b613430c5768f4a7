"""Writes learners' gradients at hard points, for TestHardGradients.

Each case is a problem file and a learner's backpropagation written by hand
in numpy (float64), sharing no code with backproof, right and with a
mistake planted, as .npz:

  deep       17 layers of 4 sigmoid units (a 4,4,…,4,2 net): the gradient
             vanishes, dW1 is about 1e-10 of dW16. Wrong: a loop that stops
             at layer 2 (dW1, db1 left at 0); dW2 transposed (square).
  saturated  a first layer with b1 ≈ −25: δ¹ is about 1e-11 of δ². Wrong:
             δ¹ with the wrong sign.
  fitted     outputs fitted to the targets to 3e-10: a − y cancels, and any
             float64 backpropagation is good to about 1e-6 relative. Wrong:
             the 1/m left out.
  onehot     softmax under log-likelihood at near one-hot outputs: δ = a − y
             cancels the same way. Wrong: the 1/m left out.
  kink       relu pre-activations exactly at 0 (integer weights and inputs,
             zero biases): relu′(0) = 1 and relu′(0) = 0 are both right.
             Wrong: the 1/m left out.
  inherit5   5 layers, σ′ taken of A in layer 3 (fprime-of-A): layers 2 and
             1 differ only because δ³ does.
  inherit4   4 layers, f′ left out of δ³ (missing-fprime).
  nan        a sigmoid output saturated to exactly 1 under cross-entropy;
             the textbook ∂C/∂a = −y/a + (1−y)/(1−a) gives 0/0 there.

The right gradients are checked against torch's autograd at float64 as
they are written. Regenerate with Debian's numpy and torch:
/usr/bin/python3 gradfile/testdata/gen_hard.py
"""
import json
import os

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(17)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def save_problem(name, Ws, bs, acts, X, Y, cost="quadratic", reduction="mean"):
    p = {"convention": "row", "cost": cost, "reduction": reduction,
         "layers": [{"activation": a, "W": W.tolist(), "b": b.tolist()} for W, b, a in zip(Ws, bs, acts)],
         "X": X.tolist(), "Y": Y.tolist()}
    with open(os.path.join(here, f"hard-{name}-problem.json"), "w") as f:
        json.dump(p, f)


def torch_check(name, Ws, bs, acts, X, Y, cost, dWs, dbs, rtol):
    """The right numpy gradient against torch's autograd at float64 on the
    same problem, array by array on each array's own scale: a second
    derivation that shares nothing with the numpy one."""
    import torch
    tW = [torch.tensor(W, dtype=torch.float64, requires_grad=True) for W in Ws]
    tb = [torch.tensor(b, dtype=torch.float64, requires_grad=True) for b in bs]
    A = torch.tensor(X, dtype=torch.float64)
    T = torch.tensor(Y, dtype=torch.float64)
    for W, b, act in zip(tW, tb, acts):
        Z = A @ W + b
        A = {"sigmoid": torch.sigmoid, "relu": torch.relu, "identity": lambda z: z,
             "softmax": lambda z: torch.softmax(z, dim=1)}[act](Z)
    m = X.shape[0]
    if cost == "quadratic":
        C = ((A - T) ** 2).sum() / 2 / m
    elif cost == "log-likelihood":
        C = -(T * torch.log(A)).sum() / m
    C.backward()
    for l, (W, b) in enumerate(zip(tW, tb), 1):
        for mine, theirs, what in ((dWs[l - 1], W.grad.numpy(), "dW"), (np.ravel(dbs[l - 1]), b.grad.numpy(), "db")):
            scale = np.abs(theirs).max()
            err = np.abs(mine - theirs).max()
            assert err <= rtol * scale, f"{name} {what}{l}: numpy and torch differ by {err:.3g} of {scale:.3g}"


def save(name, variant, dWs, dbs):
    arrays = {}
    for l, (dW, db) in enumerate(zip(dWs, dbs), 1):
        arrays[f"dW{l}"], arrays[f"db{l}"] = dW, db
    np.savez(os.path.join(here, f"hard-{name}-{variant}.npz"), **arrays)


def sigmoid_net(X, Y, Ws, bs, mistake=None, stop=1, mistake_layer=None):
    """Row convention, sigmoid everywhere, quadratic cost, mean: the thread's
    loop, layer L down to `stop` (the other layers' gradients stay 0)."""
    m = X.shape[0]
    As, Zs = [X], [None]
    for W, b in zip(Ws, bs):
        Zs.append(As[-1] @ W + b)
        As.append(sigmoid(Zs[-1]))
    L = len(Ws)
    dWs = [np.zeros_like(W) for W in Ws]
    dbs = [np.zeros_like(b) for b in bs]
    dA = (As[L] - Y) / m
    for l in range(L, stop - 1, -1):
        A = As[l]
        if mistake == "fprime-of-A" and l == mistake_layer:
            dZ = dA * sigmoid(A) * (1 - sigmoid(A))
        elif mistake == "missing-fprime" and l == mistake_layer:
            dZ = dA
        else:
            dZ = dA * A * (1 - A)
        if mistake == "sign" and l == mistake_layer:
            dZ = -dZ
        dWs[l - 1] = As[l - 1].T @ dZ
        dbs[l - 1] = dZ.sum(axis=0)
        dA = dZ @ Ws[l - 1].T
    return dWs, dbs


# deep: 16 layers, sizes 4,…,4,2, batch 5, weights N(0, 1/n_in).
sizes = [4] * 16 + [2]
Ws = [rng.normal(size=(a, b)) / np.sqrt(a) for a, b in zip(sizes, sizes[1:])]
bs = [rng.normal(size=b) for b in sizes[1:]]
X, Y = rng.normal(size=(5, 4)), rng.uniform(size=(5, 2))
save_problem("deep", Ws, bs, ["sigmoid"] * 16, X, Y)
dWs, dbs = sigmoid_net(X, Y, Ws, bs)
torch_check("deep", Ws, bs, ["sigmoid"] * 16, X, Y, "quadratic", dWs, dbs, 1e-12)
save("deep", "right", dWs, dbs)
save("deep", "stops-at-2", *sigmoid_net(X, Y, Ws, bs, stop=2))
save("deep", "transposed", [dWs[0], dWs[1].T] + dWs[2:], dbs)

# saturated: [3, 4, 2], b1 ≈ −25, so σ′(z¹) ≈ 1e-11.
Ws = [rng.normal(size=(3, 4)), rng.normal(size=(4, 2))]
bs = [-25 + rng.normal(size=4) * 0.1, rng.normal(size=2)]
X, Y = rng.normal(size=(5, 3)), rng.uniform(size=(5, 2))
save_problem("saturated", Ws, bs, ["sigmoid", "sigmoid"], X, Y)
torch_check("saturated", Ws, bs, ["sigmoid"] * 2, X, Y, "quadratic", *sigmoid_net(X, Y, Ws, bs), 1e-12)
save("saturated", "right", *sigmoid_net(X, Y, Ws, bs))
save("saturated", "sign", *sigmoid_net(X, Y, Ws, bs, mistake="sign", mistake_layer=1))

# fitted: [3, 4, 2], targets within 3e-10 of the outputs.
Ws = [rng.normal(size=(3, 4)), rng.normal(size=(4, 2))]
bs = [rng.normal(size=4), rng.normal(size=2)]
X = rng.normal(size=(5, 3))
A2 = sigmoid(sigmoid(X @ Ws[0] + bs[0]) @ Ws[1] + bs[1])
Y = A2 + 3e-10 * rng.choice([-1, 1], size=A2.shape)
save_problem("fitted", Ws, bs, ["sigmoid", "sigmoid"], X, Y)
dWs, dbs = sigmoid_net(X, Y, Ws, bs)
torch_check("fitted", Ws, bs, ["sigmoid"] * 2, X, Y, "quadratic", dWs, dbs, 1e-4)  # float64 itself: about 1e-6 here
save("fitted", "right", dWs, dbs)
save("fitted", "missing-1m", [5 * d for d in dWs], [5 * d for d in dbs])


def softmax_ll(X, Y, Ws, bs):
    """Row convention, sigmoid hidden layer, softmax output under
    log-likelihood, mean: δ² = (a − y) / m."""
    m = X.shape[0]
    A1 = sigmoid(X @ Ws[0] + bs[0])
    Z2 = A1 @ Ws[1] + bs[1]
    E = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
    A2 = E / E.sum(axis=1, keepdims=True)
    dZ2 = (A2 - Y) / m
    dZ1 = (dZ2 @ Ws[1].T) * A1 * (1 - A1)
    return [X.T @ dZ1, A1.T @ dZ2], [dZ1.sum(axis=0), dZ2.sum(axis=0)]


# onehot: [3, 5, 3], the right class's z about 30 above the others.
X = rng.normal(size=(5, 3))
Ws = [rng.normal(size=(3, 5)), None]
bs = [rng.normal(size=5), np.zeros(3)]
A1 = sigmoid(X @ Ws[0] + bs[0])
labels = np.arange(5) % 3
Y = np.eye(3)[labels]
# W2 gives class k a large z for the examples labelled k: solve for it by
# least squares on the hidden activations, then check the margins.
T = 30 * Y + rng.normal(size=(5, 3)) * 0.5
Ws[1] = np.linalg.lstsq(A1, T, rcond=None)[0]
Z2 = A1 @ Ws[1]
assert all(Z2[i, labels[i]] - np.delete(Z2[i], labels[i]).max() > 20 for i in range(5)), Z2
save_problem("onehot", Ws, bs, ["sigmoid", "softmax"], X, Y, cost="log-likelihood")
dWs, dbs = softmax_ll(X, Y, Ws, bs)
torch_check("onehot", Ws, bs, ["sigmoid", "softmax"], X, Y, "log-likelihood", dWs, dbs, 1e-1)  # float64: about 3e-3 here
save("onehot", "right", dWs, dbs)
save("onehot", "missing-1m", [5 * d for d in dWs], [5 * d for d in dbs])


def relu_net(X, Y, Ws, bs, prime_at_0):
    """Row convention, relu hidden layer, identity output, quadratic, mean;
    relu′(0) is prime_at_0."""
    m = X.shape[0]
    Z1 = X @ Ws[0] + bs[0]
    A1 = np.maximum(Z1, 0)
    A2 = A1 @ Ws[1] + bs[1]
    dZ2 = (A2 - Y) / m
    dZ1 = (dZ2 @ Ws[1].T) * np.where(Z1 > 0, 1.0, np.where(Z1 == 0, prime_at_0, 0.0))
    return [X.T @ dZ1, A1.T @ dZ2], [dZ1.sum(axis=0), dZ2.sum(axis=0)]


# kink: [3, 4, 2], integer inputs and weights, zero biases: z¹ = 0 exactly
# for some units and examples (checked below).
X = rng.integers(-2, 3, size=(5, 3)).astype(float)
Ws = [rng.integers(-2, 3, size=(3, 4)).astype(float), rng.normal(size=(4, 2))]
bs = [np.zeros(4), rng.normal(size=2)]
X[0] = [1, 1, 2]
Ws[0][:, 0], Ws[0][:, 1] = [1, -1, 0], [2, 0, -1]  # z¹ of example 0 is 0 at units 0 and 1
X[3] = 0  # and at every unit for example 3
Y = rng.normal(size=(5, 2))
Z1 = X @ Ws[0]
assert (Z1 == 0).sum() >= 3, Z1
save_problem("kink", Ws, bs, ["relu", "identity"], X, Y)
torch_check("kink", Ws, bs, ["relu", "identity"], X, Y, "quadratic", *relu_net(X, Y, Ws, bs, 0.0), 1e-12)  # torch: relu′(0) = 0
save("kink", "prime0", *relu_net(X, Y, Ws, bs, 0.0))
save("kink", "prime1", *relu_net(X, Y, Ws, bs, 1.0))
save("kink", "prime-half", *relu_net(X, Y, Ws, bs, 0.5))
dWs, dbs = relu_net(X, Y, Ws, bs, 1.0)
save("kink", "missing-1m", [5 * d for d in dWs], [5 * d for d in dbs])

# inherit5: [4, 5, 6, 3, 5, 2], σ′(A) in layer 3.
sizes = [4, 5, 6, 3, 5, 2]
Ws = [rng.normal(size=(a, b)) for a, b in zip(sizes, sizes[1:])]
bs = [rng.normal(size=b) for b in sizes[1:]]
X, Y = rng.normal(size=(7, 4)), rng.uniform(size=(7, 2))
save_problem("inherit5", Ws, bs, ["sigmoid"] * 5, X, Y)
torch_check("inherit5", Ws, bs, ["sigmoid"] * 5, X, Y, "quadratic", *sigmoid_net(X, Y, Ws, bs), 1e-12)
save("inherit5", "right", *sigmoid_net(X, Y, Ws, bs))
save("inherit5", "fprime-of-A", *sigmoid_net(X, Y, Ws, bs, mistake="fprime-of-A", mistake_layer=3))

# inherit4: [5, 4, 6, 3, 2], f′ left out of δ³.
sizes = [5, 4, 6, 3, 2]
Ws = [rng.normal(size=(a, b)) for a, b in zip(sizes, sizes[1:])]
bs = [rng.normal(size=b) for b in sizes[1:]]
X, Y = rng.normal(size=(7, 5)), rng.uniform(size=(7, 2))
save_problem("inherit4", Ws, bs, ["sigmoid"] * 4, X, Y)
save("inherit4", "missing-fprime", *sigmoid_net(X, Y, Ws, bs, mistake="missing-fprime", mistake_layer=3))

# nan: [3, 4, 2] under cross-entropy, example 0's first output at z = 40,
# where a = 1.0 exactly, with target 1.
Ws = [rng.normal(size=(3, 4)), rng.normal(size=(4, 2))]
bs = [rng.normal(size=4), np.array([40.0, 0.0])]
Ws[1][:, 0] = 0  # z² of output 0 is b = 40 for every example
X = rng.normal(size=(5, 3))
Y = rng.uniform(size=(5, 2))
Y[:, 0] = 1.0
A1 = sigmoid(X @ Ws[0] + bs[0])
A2 = sigmoid(A1 @ Ws[1] + bs[1])
assert A2[0, 0] == 1.0
save_problem("nan", Ws, bs, ["sigmoid", "sigmoid"], X, Y, cost="cross-entropy")
with np.errstate(divide="ignore", invalid="ignore"):
    dA2 = (-Y / A2 + (1 - Y) / (1 - A2)) / 5  # the textbook ∂C/∂a
    dZ2 = dA2 * A2 * (1 - A2)
    dZ1 = (dZ2 @ Ws[1].T) * A1 * (1 - A1)
    save("nan", "textbook", [X.T @ dZ1, A1.T @ dZ2], [dZ1.sum(axis=0), dZ2.sum(axis=0)])

"""Writes the learner-side test data of backproof's gradient checker.

A learner's backpropagation, written by hand in numpy as the forum thread's
learner and the courses write it, shares no code with backproof: it is the
independent side of TestLearnerFiles. For each convention it writes a
problem file and the learner's gradient, right and with each classic mistake
planted, as .npz (np.savez), as a folder of .npy files, and as JSON.

Regenerate with Debian's numpy:  /usr/bin/python3 gradfile/testdata/gen.py
(the committed files are what the tests read; numpy is not needed to run
them).
"""
import json
import os

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(7)
m, n0, n1, n2 = 5, 4, 3, 2  # no two sizes equal, so a transpose shows


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def row_backprop(X, Y, W1, b1, W2, b2, mistake=None):
    """Row convention (the thread's opening post): X is m×n0, Z = A W + b,
    quadratic cost C = (1/m) Σ_x ½‖a − y‖²."""
    Z1 = X @ W1 + b1
    A1 = sigmoid(Z1)
    Z2 = A1 @ W2 + b2
    A2 = sigmoid(Z2)
    dZ2 = (A2 - Y) * A2 * (1 - A2) / m
    if mistake == "fprime-of-A":
        dZ2 = (A2 - Y) * sigmoid(A2) * (1 - sigmoid(A2)) / m
    dW2 = A1.T @ dZ2
    db2 = dZ2.sum(axis=0)
    dZ1 = (dZ2 @ W2.T) * A1 * (1 - A1)
    dW1 = X.T @ dZ1
    db1 = np.sum(dZ1, axis=0, keepdims=True)  # 1×n1: keepdims is fine
    if mistake == "missing-1/m":
        dW2, db2, dW1, db1 = dW2 * m, db2 * m, dW1 * m, db1 * m
    if mistake == "transposed":
        dW2 = dW2.T
    if mistake == "bias-not-summed":
        db2 = dZ2
    if mistake == "sign":
        dW1 = -dW1
    return dict(dW1=dW1, db1=db1, dW2=dW2, db2=db2)


def column_backprop(X, Y, W1, b1, W2, b2, mistake=None):
    """Column convention (Ng's course): X = [x1 … xm] is n0×m, Z = W A + b."""
    Z1 = W1 @ X + b1[:, None]
    A1 = sigmoid(Z1)
    Z2 = W2 @ A1 + b2[:, None]
    A2 = sigmoid(Z2)
    dZ2 = (A2 - Y) * A2 * (1 - A2) / m
    dW2 = dZ2 @ A1.T
    db2 = np.sum(dZ2, axis=1, keepdims=True)  # n2×1
    dZ1 = (W2.T @ dZ2) * A1 * (1 - A1)
    dW1 = dZ1 @ X.T
    db1 = np.sum(dZ1, axis=1)
    if mistake == "bias-wrong-axis":
        db1 = np.sum(dZ1, axis=0)
    if mistake == "extra-factor-2":
        dW1 = 2 * dW1
    if mistake == "extra-1/m":
        dW2 = dW2 / m
    if mistake == "missing-factor-2":
        db2 = db2 / 2
    if mistake == "scale":
        dW2 = 3 * dW2
    return dict(dW1=dW1, db1=db1, dW2=dW2, db2=db2)


def softmax_backprop(X, Y, W1, b1, W2, b2, mistake=None):
    """Row convention, a softmax output under the quadratic cost: δ² needs
    softmax's Jacobian, δ = a ⊙ (g − Σ_k g_k a_k) for g = ∂C/∂a."""
    Z1 = X @ W1 + b1
    A1 = sigmoid(Z1)
    Z2 = A1 @ W2 + b2
    E = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
    A2 = E / E.sum(axis=1, keepdims=True)
    G = (A2 - Y) / m
    dZ2 = A2 * (G - (G * A2).sum(axis=1, keepdims=True))
    if mistake == "hadamard-for-softmax":
        dZ2 = G * A2 * (1 - A2)
    dW2 = A1.T @ dZ2
    db2 = dZ2.sum(axis=0)
    dZ1 = (dZ2 @ W2.T) * A1 * (1 - A1)
    return dict(dW1=X.T @ dZ1, db1=dZ1.sum(axis=0), dW2=dW2, db2=db2)


def perexample_backprop(X, Y, W1, b1, W2, b2, mistake=None):
    """Nielsen's network.py: a loop over the mini-batch, column vectors,
    the sum of each example's gradient, with the 1/m of the mean cost."""
    g = dict(dW1=np.zeros_like(W1), db1=np.zeros(n1), dW2=np.zeros_like(W2), db2=np.zeros(n2))
    for x, y in zip(X.T, Y.T):
        x, y = x[:, None], y[:, None]
        z1 = W1 @ x + b1[:, None]
        a1 = sigmoid(z1)
        z2 = W2 @ a1 + b2[:, None]
        a2 = sigmoid(z2)
        d2 = (a2 - y) * a2 * (1 - a2)
        if mistake == "missing-fprime":
            d2 = a2 - y
        d1 = (W2.T @ d2) * a1 * (1 - a1)
        g["dW2"] += d2 @ a1.T
        g["db2"] += d2[:, 0]
        g["dW1"] += d1 @ x.T
        g["db1"] += d1[:, 0]
    return {k: v / m for k, v in g.items()}


def problem(convention, output="sigmoid"):
    if convention == "row":
        X, Y = rng.normal(size=(m, n0)), rng.uniform(size=(m, n2))
        W1, W2 = rng.normal(size=(n0, n1)), rng.normal(size=(n1, n2))
    else:
        X, Y = rng.normal(size=(n0, m)), rng.uniform(size=(n2, m))
        W1, W2 = rng.normal(size=(n1, n0)), rng.normal(size=(n2, n1))
    b1, b2 = rng.normal(size=n1), rng.normal(size=n2)
    p = {
        "convention": convention,
        "cost": "quadratic",
        "reduction": "mean",
        "layers": [
            {"activation": "sigmoid", "W": W1.tolist(), "b": b1.tolist()},
            {"activation": output, "W": W2.tolist(), "b": b2.tolist()},
        ],
        "X": X.tolist(),
        "Y": Y.tolist(),
    }
    return p, (X, Y, W1, b1, W2, b2)


cases = {
    "row": (row_backprop, ["missing-1/m", "transposed", "bias-not-summed", "fprime-of-A", "sign"]),
    "column": (column_backprop, ["bias-wrong-axis", "extra-factor-2", "extra-1/m", "missing-factor-2", "scale"]),
    "per-example": (perexample_backprop, ["missing-fprime"]),
}
for convention, (backprop, mistakes) in cases.items():
    p, args = problem(convention)
    with open(os.path.join(here, f"{convention}-problem.json"), "w") as f:
        json.dump(p, f, indent=1)
    for mistake in [None] + mistakes:
        g = backprop(*args, mistake=mistake)
        name = f"{convention}-{mistake or 'right'}".replace("/", "")
        np.savez(os.path.join(here, name + ".npz"), **g)
    g = backprop(*args)
    np.savez(os.path.join(here, f"{convention}-right-float32.npz"), **{k: v.astype(np.float32) for k, v in g.items()})
    with open(os.path.join(here, f"{convention}-right.json"), "w") as f:
        json.dump({"layers": [{"dW": g["dW1"].tolist(), "db": g["db1"].ravel().tolist()},
                              {"dW": g["dW2"].tolist(), "db": g["db2"].ravel().tolist()}]}, f)
    if convention == "row":  # the JSON form of a planted mistake too: a transposed dW2
        with open(os.path.join(here, "row-transposed.json"), "w") as f:
            json.dump({"layers": [{"dW": g["dW1"].tolist(), "db": g["db1"].ravel().tolist()},
                                  {"dW": g["dW2"].T.tolist(), "db": g["db2"].ravel().tolist()}]}, f)
    folder = os.path.join(here, f"{convention}-right-npy")
    os.makedirs(folder, exist_ok=True)
    for k, v in g.items():
        np.save(os.path.join(folder, k + ".npy"), np.asfortranarray(v))  # Fortran order on disk

# A softmax output under the quadratic cost, where the Hadamard form is wrong.
p, args = problem("row", output="softmax")
with open(os.path.join(here, "softmax-problem.json"), "w") as f:
    json.dump(p, f, indent=1)
for mistake in [None, "hadamard-for-softmax"]:
    g = softmax_backprop(*args, mistake=mistake)
    np.savez(os.path.join(here, f"softmax-{mistake or 'right'}.npz"), **g)

"""Writes learners' regularized gradients, right and with the classic
mistakes planted, for TestRegularizedMistakes.

Each learner is backpropagation written by hand in numpy (float64), in the
manner of the second course of Ng's specialization
(backward_propagation_with_regularization, backward_propagation_with_dropout),
sharing no code with backproof. The problems are drawn here and saved with
their masks.

  ng    column, relu, relu, sigmoid, cross-entropy, mean over m = 6,
        lambd = 0.7 over m (the default N), keep_prob = 0.8 on both hidden
        layers, 5 units each (so that the masks can be swapped)
  sum   row (one example a row), tanh, sigmoid, quadratic, summed: lambda =
        0.3 over N = 1, keep_prob 0.75 on the hidden layer

Variants of ng (.npz, arrays dW1, db1, …):
  right         the course's equations
  l2-missing    dW = dZ A^T / m, no lambd/m W
  l2-undivided  + lambd W
  l2-factor-2   + lambd/m * 2 W
  bias-reg      db + lambd/m b
  mask-missing  dA2 = dA2 / keep_prob, no D2, and relu' read off Z2 (with
                A2 > 0 the dropped units stay 0 and the gradient is right)
  keep-missing  dA2 = dA2 * D2, no / keep_prob
  wrong-mask    dA2 = dA2 * D1 / keep_prob
Variants of sum:
  right
  l2-over-m     + lambda/m W where lambda W belongs (N = 1)

Regenerate with Debian's numpy: /usr/bin/python3 gradfile/testdata/gen_reg_numpy.py
"""
import json
import os

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(2022)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def relu(z):
    return np.maximum(0, z)


# ---- ng: the course's three-layer net, one example a column ----

m, keep_prob, lambd = 6, 0.8, 0.7
sizes = [4, 5, 5, 1]
W = [rng.normal(size=(sizes[l + 1], sizes[l])) * np.sqrt(2 / sizes[l]) for l in range(3)]
b = [rng.normal(size=(sizes[l + 1], 1)) * 0.1 for l in range(3)]
X = rng.normal(size=(4, m))
Y = (rng.random(size=(1, m)) < 0.5).astype(float)
D1 = (rng.random(size=(5, m)) < keep_prob).astype(float)
D2 = (rng.random(size=(5, m)) < keep_prob).astype(float)

problem = {"convention": "column", "cost": "cross-entropy", "reduction": "mean", "lambda": lambd,
           "layers": [
               {"activation": "relu", "W": W[0].tolist(), "b": b[0].ravel().tolist(), "keep_prob": keep_prob, "D": D1.tolist()},
               {"activation": "relu", "W": W[1].tolist(), "b": b[1].ravel().tolist(), "keep_prob": keep_prob, "D": D2.tolist()},
               {"activation": "sigmoid", "W": W[2].tolist(), "b": b[2].ravel().tolist()}],
           "X": X.tolist(), "Y": Y.tolist()}
with open(os.path.join(here, "regnp-ng-problem.json"), "w") as f:
    json.dump(problem, f)


def forward_propagation_with_dropout(X):
    Z1 = W[0] @ X + b[0]
    A1 = relu(Z1)
    A1 = A1 * D1
    A1 = A1 / keep_prob
    Z2 = W[1] @ A1 + b[1]
    A2 = relu(Z2)
    A2 = A2 * D2
    A2 = A2 / keep_prob
    Z3 = W[2] @ A2 + b[2]
    A3 = sigmoid(Z3)
    return (Z1, A1, Z2, A2, Z3, A3)


def backward(X, Y, cache, l2="right", bias_reg=False, drop2="right"):
    Z1, A1, Z2, A2, Z3, A3 = cache
    reg = {"right": lambd / m, "missing": 0.0, "undivided": lambd, "factor-2": 2 * lambd / m}[l2]
    dZ3 = A3 - Y
    dW3 = 1. / m * dZ3 @ A2.T + reg * W[2]
    db3 = 1. / m * np.sum(dZ3, axis=1, keepdims=True)
    dA2 = W[2].T @ dZ3
    if drop2 == "right":
        dA2 = dA2 * D2
        dA2 = dA2 / keep_prob
    elif drop2 == "mask-missing":
        dA2 = dA2 / keep_prob
    elif drop2 == "keep-missing":
        dA2 = dA2 * D2
    elif drop2 == "wrong-mask":
        dA2 = dA2 * D1
        dA2 = dA2 / keep_prob
    if drop2 == "mask-missing":
        # relu_backward of the first course's week 4 reads Z: with A2 > 0,
        # as this course writes it, the dropped units' zeros would come
        # back through relu' and the missing mask would change nothing
        dZ2 = np.multiply(dA2, np.int64(Z2 > 0))
    else:
        dZ2 = np.multiply(dA2, np.int64(A2 > 0))
    dW2 = 1. / m * dZ2 @ A1.T + reg * W[1]
    db2 = 1. / m * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = W[1].T @ dZ2
    dA1 = dA1 * D1
    dA1 = dA1 / keep_prob
    dZ1 = np.multiply(dA1, np.int64(A1 > 0))
    dW1 = 1. / m * dZ1 @ X.T + reg * W[0]
    db1 = 1. / m * np.sum(dZ1, axis=1, keepdims=True)
    if bias_reg:
        db1, db2, db3 = db1 + lambd / m * b[0], db2 + lambd / m * b[1], db3 + lambd / m * b[2]
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dW3": dW3, "db3": db3}


cache = forward_propagation_with_dropout(X)
for name, kw in [("right", {}), ("l2-missing", {"l2": "missing"}), ("l2-undivided", {"l2": "undivided"}),
                 ("l2-factor-2", {"l2": "factor-2"}), ("bias-reg", {"bias_reg": True}),
                 ("mask-missing", {"drop2": "mask-missing"}), ("keep-missing", {"drop2": "keep-missing"}),
                 ("wrong-mask", {"drop2": "wrong-mask"})]:
    np.savez(os.path.join(here, f"regnp-ng-{name}.npz"), **backward(X, Y, cache, **kw))

# ---- sum: one example a row, a summed quadratic cost, lambda over 1 ----

m, p, lam = 5, 0.75, 0.3
W1 = rng.normal(size=(3, 4)) * 0.5
b1 = rng.normal(size=(1, 4)) * 0.1
W2 = rng.normal(size=(4, 2)) * 0.5
b2 = rng.normal(size=(1, 2)) * 0.1
X = rng.normal(size=(m, 3))
Y = rng.random(size=(m, 2))
D = (rng.random(size=(m, 4)) < p).astype(float)
problem = {"convention": "row", "cost": "quadratic", "reduction": "sum", "lambda": lam,
           "layers": [{"activation": "tanh", "W": W1.tolist(), "b": b1.ravel().tolist(), "keep_prob": p, "D": D.tolist()},
                      {"activation": "sigmoid", "W": W2.tolist(), "b": b2.ravel().tolist()}],
           "X": X.tolist(), "Y": Y.tolist()}
with open(os.path.join(here, "regnp-sum-problem.json"), "w") as f:
    json.dump(problem, f)

H = np.tanh(X @ W1 + b1)
Hd = H * D / p
O = sigmoid(Hd @ W2 + b2)
for name, reg in [("right", lam), ("l2-over-m", lam / m)]:
    d2 = (O - Y) * O * (1 - O)  # the summed ½‖a − y‖²: no 1/m
    gW2 = Hd.T @ d2 + reg * W2
    gb2 = d2.sum(axis=0)
    d1 = (d2 @ W2.T) * D / p * (1 - H ** 2)
    gW1 = X.T @ d1 + reg * W1
    gb1 = d1.sum(axis=0)
    np.savez(os.path.join(here, f"regnp-sum-{name}.npz"), dW1=gW1, db1=gb1, dW2=gW2, db2=gb2)

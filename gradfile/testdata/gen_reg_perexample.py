"""Writes a per-example learner's regularized gradients, right and with the
classic mistakes planted, for TestRegularizedPerExample.

The learner is backpropagation written by hand in numpy (float64) in the
manner of Nielsen's network2.py (chapter 3): backprop(x, y) for one example
at a time, nabla_b and nabla_w summed over the mini-batch, the weights'
gradient (1/m) nabla_w + (lmbda/n) w as update_mini_batch steps along it,
with inverted dropout on both hidden layers, each example's masks the
columns of D1, D2 (drawn here and saved in the problem). It shares no code
with backproof or with gen_reg_numpy.py.

  nielsen   per-example, sigmoid, sigmoid, sigmoid, cross-entropy, mean
            over m = 6, lmbda = 5 over n = 50 (chapter 3's lambda/(2n)),
            keep_prob 0.8 on both hidden layers of 5 units

Variants (.npz, arrays dW1, db1, …):
  right         chapter 3's equations with the masks
  l2-missing    (1/m) nabla_w alone
  l2-over-m     + (lmbda/m) w, the courses' m where chapter 3 has n
  bias-reg      nabla_b/m + (lmbda/n) b
  mask-missing  delta2 = (w3^T delta3) / p * sigma'(z2), no D2
  keep-missing2 delta2 = (w3^T delta3) * D2 * sigma'(z2), no / p (layer 2 only)
  keep-missing  no / p on either layer (layer 1's arrays are p^2 times
                the data term, layer 2's p times)

Regenerate with Debian's numpy: /usr/bin/python3 gradfile/testdata/gen_reg_perexample.py
"""
import json
import os

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(1948)

m, n_train, lmbda, p = 6, 50, 5.0, 0.8
sizes = [4, 5, 5, 3]
weights = [rng.normal(size=(y, x)) / np.sqrt(x) for x, y in zip(sizes[:-1], sizes[1:])]
biases = [rng.normal(size=(y, 1)) * 0.5 for y in sizes[1:]]
xs = [rng.normal(size=(sizes[0], 1)) for _ in range(m)]
ys = [rng.random(size=(sizes[-1], 1)) for _ in range(m)]
D1 = (rng.random(size=(sizes[1], m)) < p).astype(float)
D2 = (rng.random(size=(sizes[2], m)) < p).astype(float)

problem = {"convention": "per-example", "cost": "cross-entropy", "reduction": "mean",
           "lambda": lmbda, "lambda_n": n_train,
           "layers": [
               {"activation": "sigmoid", "W": weights[0].tolist(), "b": biases[0].ravel().tolist(), "keep_prob": p, "D": D1.tolist()},
               {"activation": "sigmoid", "W": weights[1].tolist(), "b": biases[1].ravel().tolist(), "keep_prob": p, "D": D2.tolist()},
               {"activation": "sigmoid", "W": weights[2].tolist(), "b": biases[2].ravel().tolist()}],
           "X": np.hstack(xs).tolist(), "Y": np.hstack(ys).tolist()}
with open(os.path.join(here, "regpe-nielsen-problem.json"), "w") as f:
    json.dump(problem, f)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z):
    return sigmoid(z) * (1 - sigmoid(z))


def backprop(x, y, d1, d2, mask2=True, keep1=True, keep2=True):
    """One example's nabla_b, nabla_w, as network2.py's backprop, with the
    example's dropout masks d1, d2 (columns) on the two hidden layers."""
    masks = [d1, d2]
    keeps = [keep1, keep2]
    activation = x
    activations = [x]
    zs = []
    for l, (b, w) in enumerate(zip(biases, weights)):
        z = np.dot(w, activation) + b
        zs.append(z)
        activation = sigmoid(z)
        if l < 2:
            activation = activation * masks[l] / p
        activations.append(activation)
    nabla_b = [None] * 3
    nabla_w = [None] * 3
    # CrossEntropyCost.delta: (a - y), the sigmoid's sigma' cancels
    delta = activations[-1] - y
    nabla_b[-1] = delta
    nabla_w[-1] = np.dot(delta, activations[-2].transpose())
    for l in (2, 3):
        back = np.dot(weights[-l + 1].transpose(), delta)
        layer = 3 - l  # 1 for the second hidden layer, 0 for the first
        if layer == 1 and not mask2:
            pass
        else:
            back = back * masks[layer]
        if keeps[layer]:
            back = back / p
        delta = back * sigmoid_prime(zs[-l])
        nabla_b[-l] = delta
        nabla_w[-l] = np.dot(delta, activations[-l - 1].transpose())
    return nabla_b, nabla_w


def mini_batch_gradient(l2=lmbda / n_train, bias_reg=False, **kw):
    """update_mini_batch's direction: the sums over the batch divided by m,
    plus the weight decay's (lmbda/n) w."""
    nabla_b = [np.zeros(b.shape) for b in biases]
    nabla_w = [np.zeros(w.shape) for w in weights]
    for i, (x, y) in enumerate(zip(xs, ys)):
        db, dw = backprop(x, y, D1[:, i:i + 1], D2[:, i:i + 1], **kw)
        nabla_b = [nb + d for nb, d in zip(nabla_b, db)]
        nabla_w = [nw + d for nw, d in zip(nabla_w, dw)]
    gw = [nw / m + l2 * w for nw, w in zip(nabla_w, weights)]
    gb = [nb / m for nb in nabla_b]
    if bias_reg:
        gb = [g + lmbda / n_train * b for g, b in zip(gb, biases)]
    out = {}
    for l in range(3):
        out[f"dW{l + 1}"] = gw[l]
        out[f"db{l + 1}"] = gb[l]
    return out


for name, kw in [("right", {}), ("l2-missing", {"l2": 0.0}), ("l2-over-m", {"l2": lmbda / m}),
                 ("bias-reg", {"bias_reg": True}), ("mask-missing", {"mask2": False}),
                 ("keep-missing2", {"keep2": False}), ("keep-missing", {"keep1": False, "keep2": False})]:
    np.savez(os.path.join(here, f"regpe-nielsen-{name}.npz"), **mini_batch_gradient(**kw))

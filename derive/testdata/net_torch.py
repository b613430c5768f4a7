"""Writes net_torch.json: the gradient of a [3, 4, 2] network in the row
convention (Z = A W + b) with an elu or gelu hidden layer and a sigmoid
output, quadratic cost, mean over a batch of 5, computed by PyTorch 1.13's
autograd at float64: the oracle TestBackpropAgainstTorch reads. Run with
Debian's python3:

    /usr/bin/python3 derive/testdata/net_torch.py > derive/testdata/net_torch.json
"""
import json

import numpy as np
import torch
import torch.nn.functional as F

rng = np.random.default_rng(7)
X = rng.normal(0, 1.5, (5, 3))
Y = rng.uniform(0, 1, (5, 2))
W1 = rng.normal(0, 1, (3, 4))
b1 = rng.normal(0, 1, (4,))
W2 = rng.normal(0, 1, (4, 2))
b2 = rng.normal(0, 1, (2,))

hidden = {
    "elu": lambda z: F.elu(z, alpha=1.0),
    "gelu": lambda z: F.gelu(z, approximate="tanh"),
}

out = {"torch": torch.__version__, "X": X.tolist(), "Y": Y.tolist(),
       "W1": W1.tolist(), "b1": b1.tolist(), "W2": W2.tolist(), "b2": b2.tolist()}
for name, f in hidden.items():
    p = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (W1, b1, W2, b2)]
    x, y = torch.tensor(X), torch.tensor(Y)
    a1 = f(x @ p[0] + p[1])
    a2 = torch.sigmoid(a1 @ p[2] + p[3])
    cost = (0.5 * ((a2 - y) ** 2).sum(dim=1)).mean()
    grads = torch.autograd.grad(cost, p)
    out[name] = {"cost": cost.item(), "dW1": grads[0].tolist(), "db1": grads[1].tolist(),
                 "dW2": grads[2].tolist(), "db2": grads[3].tolist()}
print(json.dumps(out, indent=1))

"""Writes activations_torch.json: f(z) and f'(z) of every elementwise
activation by PyTorch at float64, the oracle derive's and train's tests
read (TestActivationsAgainstTorch, train's TestActivate). Run with
Debian's python3 (torch 1.13):

    /usr/bin/python3 derive/testdata/activations_torch.py > derive/testdata/activations_torch.json
"""
import json

import numpy as np
import torch
import torch.nn.functional as F

rng = np.random.default_rng(20)
z = [0.0, -0.0, 1e-300, -1e-300, 1e-9, -1e-9, 0.5, -0.5, 1.0, -1.0, 3.5, -3.5,
     19.5, -20.5, 36.7, -40.0, 745.0, -745.0, 800.0, -800.0]
z += list(rng.normal(0, 3, 60)) + list(rng.normal(0, 20, 40))

functions = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": F.relu,
    "leaky-relu": lambda x: F.leaky_relu(x, 0.01),
    # threshold 50: beyond it z + ln(1 + e^-z) rounds to z (e^-50 is below
    # half an ulp of 50); torch's default 20 returns z where ln(1+e^z)
    # still differs from it by e^-20.
    "softplus": lambda x: F.softplus(x, beta=1, threshold=50),
    "identity": lambda x: x.clone(),
    "elu": lambda x: F.elu(x, alpha=1.0),
    "gelu": lambda x: F.gelu(x, approximate="tanh"),
}

out = {"z": [float(v) for v in z], "torch": torch.__version__}
for name, f in functions.items():
    x = torch.tensor(z, dtype=torch.float64, requires_grad=True)
    y = f(x)
    (g,) = torch.autograd.grad(y.sum(), x)
    out[name] = {"f": y.detach().tolist(), "prime": g.tolist()}
print(json.dumps(out, indent=1))

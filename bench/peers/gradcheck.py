#!/usr/bin/python3
"""Peer: torch.autograd.gradcheck in slow mode on a backproof problem file.

The network is written here in a few lines of torch, equal to backproof's
row convention (Z = A W + b, sigmoid, quadratic cost, mean or sum), so that
gradcheck differentiates the very cost backproof checks. Slow mode perturbs
every parameter by ±eps (central differences), float64, one thread: the same
work as `backproof check` entry by entry. Prints one JSON object with the
seconds gradcheck took.

Usage: gradcheck.py PROBLEM.json   (written by `backproof check ... --save`)
"""
import json
import sys
import time

import torch

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)

ACTS = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu, "identity": lambda z: z}


def main(path):
    p = json.load(open(path))
    if p["convention"] != "row" or p["cost"] != "quadratic":
        sys.exit("gradcheck.py: wants a row-convention problem with the quadratic cost")
    X, Y = torch.tensor(p["X"]), torch.tensor(p["Y"])
    acts = [ACTS[l["activation"]] for l in p["layers"]]
    params = []
    for l in p["layers"]:
        params += [torch.tensor(l["W"], requires_grad=True), torch.tensor(l["b"], requires_grad=True)]
    R = 1 / X.shape[0] if p["reduction"] == "mean" else 1

    def cost(*theta):  # C = R · Σ_x ½‖a − y‖²
        a = X
        for f, W, b in zip(acts, theta[0::2], theta[1::2]):
            a = f(a @ W + b)
        return R * 0.5 * ((a - Y) ** 2).sum()

    value = cost(*params).item()  # C at θ, to set beside backproof's "value"
    start = time.perf_counter()
    ok = torch.autograd.gradcheck(cost, params, eps=1e-6, atol=1e-5, rtol=1e-3, fast_mode=False)
    seconds = time.perf_counter() - start
    n = sum(t.numel() for t in params)
    print(json.dumps({"peer": "torch.autograd.gradcheck", "mode": "slow", "torch": torch.__version__,
                      "threads": torch.get_num_threads(), "params": n, "value": value, "pass": bool(ok), "seconds": seconds}))


if __name__ == "__main__":
    main(sys.argv[1])

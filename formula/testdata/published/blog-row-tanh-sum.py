# A from-scratch tutorial's style: examples in rows, a tanh hidden layer,
# a sigmoid output, the summed squared error with its ½, a long
# expression in parentheses over two lines and the forward pass cached in
# a dictionary.
# backproof: --convention row --net 3,4,2 --batch 5 --act tanh,sigmoid --cost quadratic --reduction sum
# call: backward(X, Y, {"W1": W1, "b1": b1, "W2": W2, "b2": b2}, {"A1": A1, "A2": A2, "Z1": Z1})
import numpy as np

def backward(X, Y, params, cache):
    A1, A2 = cache["A1"], cache["A2"]
    W2 = params["W2"]
    dZ2 = (A2 - Y) * A2 * (1 - A2)
    dW2 = A1.T @ dZ2
    db2 = dZ2.sum(axis=0, keepdims=True)
    dZ1 = (dZ2 @ W2.T
           * (1 - A1 ** 2))
    dW1 = X.T @ dZ1
    db1 = dZ1.sum(axis=0, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}

# Ng's course, week 4 style, with a slip: linear_backward returns
# dA_prev, dW, db but the caller unpacks them as dW, db, dA_prev, so every
# name holds another value (numpy runs it: in a 3-2-2 net dA1, dW2 and dW
# are all 2×2, and a 2×1 db broadcasts).
# backproof: --convention column --net 3,2,2 --batch 2 --act tanh,sigmoid --cost quadratic --reduction mean
# call: backward(A2, Y)
import numpy as np

def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db

def backward(A2, Y):
    dZ2 = (A2 - Y) * A2 * (1 - A2)
    dW2, db2, dA1 = linear_backward(dZ2, (A1, W2, b2))
    dZ1 = dA1 * (1 - np.tanh(Z1) ** 2)
    dA0, dW1, db1 = linear_backward(dZ1, (X, W1, b1))
    return dW1, db1, dW2, db2

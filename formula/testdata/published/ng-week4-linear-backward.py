# Ng's week 4 style: linear_backward returns three values from a cache
# tuple, and the caller unpacks them.
# backproof: --convention column --net 5,4,1 --batch 6 --act relu,sigmoid --cost cross-entropy --reduction mean
# call: backward(AL, Y, (A1, W2, b2), (X, W1, b1))
import numpy as np

def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 1. / m * np.dot(dZ, A_prev.T)
    db = 1. / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db

def backward(AL, Y, cache2, cache1):
    dZ2 = AL - Y
    dA1, dW2, db2 = linear_backward(dZ2, cache2)
    dZ1 = dA1 * (Z1 > 0)
    dA0, dW1, db1 = linear_backward(dZ1, cache1)
    return dW1, db1, dW2, db2

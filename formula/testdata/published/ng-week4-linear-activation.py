# Ng's course, week 4 style: linear_backward returns dA_prev, dW, db from a
# cache (A_prev, W, b); the layer's backward step unpacks a cache
# ((A_prev, W, b), Z) and returns the three values again, and the two-layer
# pass unpacks them by layer.
# backproof: --convention column --net 5,4,1 --batch 6 --act relu,sigmoid --cost cross-entropy --reduction mean
# call: two_layer_backward(AL, Y)
import numpy as np

def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]

    dW = 1. / m * np.dot(dZ, A_prev.T)
    db = 1. / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)

    assert (dA_prev.shape == A_prev.shape)
    assert (dW.shape == W.shape)
    assert (db.shape == b.shape)
    return dA_prev, dW, db

def relu_linear_backward(dA, cache):
    linear_cache, activation_cache = cache
    dZ = np.array(dA, copy=True)
    dZ[activation_cache <= 0] = 0
    dA_prev, dW, db = linear_backward(dZ, linear_cache)
    return dA_prev, dW, db

def sigmoid_linear_backward(dA, cache):
    linear_cache, activation_cache = cache
    s = 1 / (1 + np.exp(-activation_cache))
    dZ = dA * s * (1 - s)
    dA_prev, dW, db = linear_backward(dZ, linear_cache)
    return dA_prev, dW, db

def two_layer_backward(AL, Y):
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    dA1, dW2, db2 = sigmoid_linear_backward(dAL, ((A1, W2, b2), Z2))
    dA0, dW1, db1 = relu_linear_backward(dA1, ((X, W1, b1), Z1))
    return dW1, db1, dW2, db2

# Ng's course, week 4 style: the helpers relu_backward and sigmoid_backward
# (a copy of dA, a mask, an assert), called from a two-layer backward pass
# that starts from dAL, the derivative of the cross-entropy cost.
# backproof: --convention column --net 5,4,1 --batch 6 --act relu,sigmoid --cost cross-entropy --reduction mean
# call: two_layer_backward(AL, Y, cache)
import numpy as np

def relu_backward(dA, cache):
    Z = cache
    dZ = np.array(dA, copy=True)  # just converting dz to a correct object.
    # When z <= 0, you should set dz to 0 as well.
    dZ[Z <= 0] = 0
    assert (dZ.shape == Z.shape)
    return dZ

def sigmoid_backward(dA, cache):
    Z = cache
    s = 1 / (1 + np.exp(-Z))
    dZ = dA * s * (1 - s)
    assert (dZ.shape == Z.shape)
    return dZ

def two_layer_backward(AL, Y, cache):
    m = AL.shape[1]
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))

    dZ2 = sigmoid_backward(dAL, Z2)
    dW2 = 1. / m * np.dot(dZ2, A1.T)
    db2 = 1. / m * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = np.dot(W2.T, dZ2)

    dZ1 = relu_backward(dA1, Z1)
    dW1 = 1. / m * np.dot(dZ1, X.T)
    db1 = 1. / m * np.sum(dZ1, axis=1, keepdims=True)

    grads = {}
    grads["dW1"] = dW1
    grads["db1"] = db1
    grads["dW2"] = dW2
    grads["db2"] = db2
    return grads

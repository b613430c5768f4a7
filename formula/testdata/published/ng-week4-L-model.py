# Ng's week 4 style: L_model_backward's loop over the hidden layers, the
# gradients stored under keys built from the layer number.
# backproof: --convention column --net 5,4,3,1 --batch 6 --act relu,relu,sigmoid --cost cross-entropy --reduction mean
# call: L_model_backward(AL, Y, [((X, W1, b1), Z1), ((A1, W2, b2), Z2), ((A2, W3, b3), Z3)])
import numpy as np

def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    m = AL.shape[1]
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    linear_cache, activation_cache = caches[L - 1]
    A_prev, W, b = linear_cache
    s = 1 / (1 + np.exp(-activation_cache))
    dZ = dAL * s * (1 - s)
    grads["dW" + str(L)] = 1. / m * np.dot(dZ, A_prev.T)
    grads["db" + str(L)] = 1. / m * np.sum(dZ, axis=1, keepdims=True)
    grads["dA" + str(L - 1)] = np.dot(W.T, dZ)
    for l in reversed(range(L - 1)):
        linear_cache, activation_cache = caches[l]
        A_prev, W, b = linear_cache
        dZ = np.array(grads["dA" + str(l + 1)], copy=True)
        dZ[activation_cache <= 0] = 0
        grads["dW" + str(l + 1)] = 1. / m * np.dot(dZ, A_prev.T)
        grads["db" + str(l + 1)] = 1. / m * np.sum(dZ, axis=1, keepdims=True)
        grads["dA" + str(l)] = np.dot(W.T, dZ)
    return grads

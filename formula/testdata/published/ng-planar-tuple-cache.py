# Ng's style with the cache kept as a tuple and unpacked, long lines broken
# with backslashes and inside brackets, and asserts on every gradient's
# shape.
# backproof: --convention column --net 4,3,2 --batch 5 --act tanh,sigmoid --cost cross-entropy --reduction mean
# call: backward_propagation(parameters, (Z1, A1, W1, b1, Z2, A2, W2, b2), X, Y)
import numpy as np

def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    (Z1, A1, W1, b1, Z2, A2, W2, b2) = cache

    dZ2 = A2 - Y
    dW2 = 1. / m * np.dot(dZ2,
                          A1.T)
    db2 = 1. / m * np.sum(dZ2, axis=1,
                          keepdims=True)
    dA1 = np.dot(parameters.get("W2").T, dZ2)
    dZ1 = dA1 * \
          (1 - np.power(A1, 2))
    dW1 = 1. / m * np.dot(dZ1, X.T)
    db1 = 1. / m * np.sum(dZ1, axis=1, keepdims=True)

    assert (dW1.shape == W1.shape)
    assert (db1.shape == b1.shape)
    assert (dW2.shape == W2.shape)
    assert (db2.shape == b2.shape)

    gradients = {"dZ2": dZ2, "dW2": dW2, "db2": db2,
                 "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}
    return gradients

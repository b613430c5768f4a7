# A from-scratch blog post's style, with a slip: the weight gradient is
# computed transposed (A1 · dZ2ᵀ is n1×n2) and .reshape forces it into
# W2's n2×n1, which numpy does without complaint, reading the entries in
# row order: the shape fits and the numbers are scrambled.
# backproof: --convention column --net 4,3,2 --batch 5 --act sigmoid,sigmoid --cost quadratic --reduction mean
# call: backward(X, Y, A1, A2)
import numpy as np

def backward(X, Y, A1, A2):
    m = X.shape[1]
    dZ2 = (A2 - Y) * A2 * (1 - A2)
    dW2 = np.dot(A1, dZ2.T).reshape(W2.shape) / m
    db2 = np.sum(dZ2, axis=1).reshape((-1, 1)) / m
    dZ1 = np.dot(W2.T, dZ2) * A1 * (1 - A1)
    dW1 = np.dot(dZ1, X.T) / m
    db1 = np.reshape(np.sum(dZ1, axis=1), (3, 1)) / m
    return dW1, db1, dW2, db2

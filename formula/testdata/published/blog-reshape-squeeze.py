# A from-scratch blog post's style: sums made one-dimensional and put back
# as columns with .reshape(-1, 1), the cost squeezed to a number, a weight
# gradient reshaped to its parameter's shape, and a bias squeezed.
# backproof: --convention column --net 4,3,2 --batch 5 --act tanh,sigmoid --cost cross-entropy --reduction mean
# call: backward(X, Y, A1, A2)
import numpy as np

def backward(X, Y, A1, A2):
    m = X.shape[1]
    cost = np.squeeze(-np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m)
    dZ2 = A2 - Y
    dW2 = np.dot(dZ2, A1.T).reshape(W2.shape) / m
    db2 = np.sum(dZ2, axis=1).reshape(-1, 1) / m
    dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
    dW1 = (np.dot(dZ1, X.T) / m).reshape(W1.shape[0], W1.shape[1])
    db1 = np.squeeze(np.sum(dZ1, axis=1, keepdims=True)) / m
    return dW1, db1, dW2, db2

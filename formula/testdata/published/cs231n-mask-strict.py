# CS231n style, with a published slip: the ReLU mask written with < on the
# hidden layer's output, which a ReLU never makes negative, so the mask
# zeroes nothing and the ReLU's derivative is left out.
# backproof: --convention row --net 4,5,3 --batch 6 --act relu,softmax --cost log-likelihood --reduction mean
# call: backward(X, y, W1, b1, W2, b2)
import numpy as np

def backward(X, y, W1, b1, W2, b2):
    num_train = X.shape[0]
    h1 = np.maximum(0, X @ W1 + b1)
    scores = h1 @ W2 + b2
    shifted = scores - np.max(scores, axis=1, keepdims=True)
    p = np.exp(shifted) / np.sum(np.exp(shifted), axis=1, keepdims=True)

    dscores = p.copy()
    dscores[range(num_train), y] -= 1
    dscores /= num_train

    dW2 = h1.T @ dscores
    db2 = dscores.sum(axis=0)
    dh1 = dscores @ W2.T
    dh1[h1 < 0] = 0
    dW1 = X.T @ dh1
    db1 = dh1.sum(axis=0)
    return dW1, db1, dW2, db2

# CS231n style (the two-layer net assignment's loss function): the
# gradients stored in a dict under the parameters' own names, grads['W2'],
# the hidden layer's gradient without a layer number, a forward pass
# written out in the same function.
# backproof: --convention row --net 4,5,3 --batch 6 --act relu,softmax --cost log-likelihood --reduction mean
# call: loss(X, y, W1, b1, W2, b2)
import numpy as np

def loss(X, y, W1, b1, W2, b2):
    N, D = X.shape
    h = np.maximum(0, X.dot(W1) + b1)
    scores = h.dot(W2) + b2
    shifted = scores - np.max(scores, axis=1, keepdims=True)
    probs = np.exp(shifted) / np.sum(np.exp(shifted), axis=1, keepdims=True)
    grads = {}
    dscores = probs.copy()
    dscores[np.arange(N), y] -= 1
    dscores /= N
    grads['W2'] = h.T.dot(dscores)
    grads['b2'] = np.sum(dscores, axis=0, keepdims=True)
    dh = dscores.dot(W2.T)
    dh[h <= 0] = 0
    grads['W1'] = X.T.dot(dh)
    grads['b1'] = np.sum(dh, axis=0, keepdims=True)
    return grads

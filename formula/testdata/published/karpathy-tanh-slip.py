# Karpathy's manual-backprop style with a slip his exercise invites: the
# tanh's local derivative written as 1 − tanh(hpreact) instead of 1 − h².
# backproof: --convention row --net 4,5,3 --batch 6 --act tanh,softmax --cost log-likelihood --reduction mean
# call: backward(X, Yb, W1, b1, W2, b2)
import numpy as np

def backward(X, Yb, W1, b1, W2, b2):
    n = X.shape[0]
    hpreact = X @ W1 + b1
    h = np.tanh(hpreact)
    logits = h @ W2 + b2
    probs = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    dlogits = probs.copy()
    dlogits[range(n), Yb] -= 1
    dlogits /= n
    dh = dlogits @ W2.T
    dW2 = h.T @ dlogits
    db2 = dlogits.sum(0, keepdims=True)
    dhpreact = (1.0 - np.tanh(hpreact)) * dh
    dW1 = X.T @ dhpreact
    db1 = dhpreact.sum(0, keepdims=True)
    return dW1, db1, dW2, db2

# Karpathy's "becoming a backprop ninja" style: a tanh hidden layer, the
# logits' gradient from the softmax in place with the batch's labels Yb,
# every intermediate named d<name>, examples in rows.
# backproof: --convention row --net 4,5,3 --batch 6 --act tanh,softmax --cost log-likelihood --reduction mean
# call: backward(X, Yb, W1, b1, W2, b2)
import numpy as np

def backward(X, Yb, W1, b1, W2, b2):
    n = X.shape[0]
    hpreact = X @ W1 + b1
    h = np.tanh(hpreact)
    logits = h @ W2 + b2
    counts = np.exp(logits - logits.max(1, keepdims=True))
    probs = counts / counts.sum(1, keepdims=True)

    dlogits = probs.copy()
    dlogits[range(n), Yb] -= 1
    dlogits /= n
    dh = dlogits @ W2.T
    dW2 = h.T @ dlogits
    db2 = dlogits.sum(0)
    dhpreact = (1.0 - h**2) * dh
    dW1 = X.T @ dhpreact
    db1 = dhpreact.sum(0)
    return dW1, db1, dW2, db2

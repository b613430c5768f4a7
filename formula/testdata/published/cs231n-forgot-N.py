# CS231n style, with the mistake the notes warn about: the scores'
# gradient never divided by the number of examples, though the loss is
# their average.
# backproof: --convention row --net 4,5,3 --batch 6 --act relu,softmax --cost log-likelihood --reduction mean
# call: backward(X, y, W1, b1, W2, b2)
import numpy as np

def backward(X, y, W1, b1, W2, b2):
    N = X.shape[0]
    hidden = np.maximum(0, X.dot(W1) + b1)
    scores = hidden.dot(W2) + b2
    scores -= np.max(scores, axis=1, keepdims=True)
    probs = np.exp(scores)
    probs /= np.sum(probs, axis=1, keepdims=True)

    dscores = probs.copy()
    dscores[np.arange(N), y] -= 1

    dW2 = hidden.T.dot(dscores)
    db2 = np.sum(dscores, axis=0)
    dhidden = dscores.dot(W2.T)
    dhidden[hidden <= 0] = 0
    dW1 = X.T.dot(dhidden)
    db1 = np.sum(dhidden, axis=0)
    return dW1, db1, dW2, db2

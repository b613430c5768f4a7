# Blog-post style (a softmax classifier from scratch with one-hot labels):
# a tanh hidden layer, a softmax output, examples in rows, and the loss
# summed over the batch, not averaged. The header gives no cost and no
# reduction: the loss line's value is the log-likelihood summed, which
# the output's gradient without / m assumes.
# backproof: --convention row --net 4,5,3 --batch 6 --act tanh,softmax
# call: train_step(X, Y, W1, b1, W2, b2)
import numpy as np

def train_step(X, Y, W1, b1, W2, b2):
    Z1 = X @ W1 + b1
    A1 = np.tanh(Z1)
    Z2 = A1 @ W2 + b2
    exps = np.exp(Z2)
    A2 = exps / np.sum(exps, axis=1, keepdims=True)
    loss = -np.sum(Y * np.log(A2))

    dZ2 = A2 - Y
    dW2 = A1.T @ dZ2
    db2 = np.sum(dZ2, axis=0, keepdims=True)
    dA1 = dZ2 @ W2.T
    dZ1 = dA1 * (1 - A1 ** 2)
    dW1 = X.T @ dZ1
    db1 = np.sum(dZ1, axis=0, keepdims=True)
    return dW1, db1, dW2, db2

# A from-scratch blog post's style: examples in rows, sigmoid layers, the
# mean squared error with its ½, and sigmoid_derivative written in terms
# of the activation, a(1 − a), applied to the activation.
# backproof: --convention row --net 3,4,2 --batch 5 --act sigmoid --cost quadratic --reduction mean
# call: backward(X, y)
import numpy as np

def sigmoid(x):
    return 1 / (1 + np.exp(-x))

def sigmoid_derivative(x):
    return x * (1 - x)

def backward(X, y):
    m = len(X)
    a1 = sigmoid(np.dot(X, W1) + b1)
    a2 = sigmoid(np.dot(a1, W2) + b2)
    dz2 = (a2 - y) * sigmoid_derivative(a2)
    dw2 = np.dot(a1.T, dz2) / m
    db2 = np.sum(dz2, axis=0, keepdims=True) / m
    dz1 = np.dot(dz2, W2.T) * sigmoid_derivative(a1)
    dw1 = np.dot(X.T, dz1) / m
    db1 = np.sum(dz1, axis=0, keepdims=True) / m
    return dw1, db1, dw2, db2

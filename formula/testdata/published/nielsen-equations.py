# Michael Nielsen's book style ("Neural Networks and Deep Learning",
# chapter 2): one example as column vectors, the four equations of
# backpropagation unrolled for two layers, sigmoid everywhere, the
# quadratic cost, his sigmoid and sigmoid_prime.
# backproof: --convention per-example --net 4,3,2 --batch 3 --act sigmoid --cost quadratic --reduction mean
# call: backprop(x, y)
import numpy as np

def sigmoid(z):
    """The sigmoid function."""
    return 1.0/(1.0+np.exp(-z))

def sigmoid_prime(z):
    """Derivative of the sigmoid function."""
    return sigmoid(z)*(1-sigmoid(z))

def backprop(x, y):
    # feedforward
    z1 = np.dot(w1, x) + b1
    a1 = sigmoid(z1)
    z2 = np.dot(w2, a1) + b2
    a2 = sigmoid(z2)
    # backward pass: BP1, then BP3 and BP4, then BP2
    delta2 = (a2 - y) * sigmoid_prime(z2)
    db2 = delta2
    dw2 = np.dot(delta2, a1.transpose())
    delta1 = np.dot(w2.transpose(), delta2) * sigmoid_prime(z1)
    db1 = delta1
    dw1 = np.dot(delta1, x.transpose())
    return (db1, dw1, db2, dw2)

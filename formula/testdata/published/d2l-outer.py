# d2l.ai style (Dive into Deep Learning, "Forward Propagation, Backward
# Propagation, and Computational Graphs"): one example as column vectors,
# the weights' gradients as outer products, a ReLU hidden layer and a
# softmax output with cross-entropy, so ∂J/∂o is the softmax minus y.
# backproof: --convention per-example --net 4,3,2 --batch 3 --act relu,softmax --cost log-likelihood --reduction mean
# call: backward(x, y)
import numpy as np

def backward(x, y):
    z = np.dot(W1, x) + b1
    h = np.maximum(z, 0)
    o = np.dot(W2, h) + b2
    e = np.exp(o)
    dZ2 = e / np.sum(e, axis=0, keepdims=True) - y
    dW2 = np.outer(dZ2, h)
    dh = np.dot(W2.T, dZ2)
    dZ1 = dh * (z > 0)
    dW1 = np.outer(dZ1, x)
    return dW1, dW2

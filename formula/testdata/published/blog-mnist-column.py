# A popular from-scratch MNIST post's style: examples in columns, ReLU and
# softmax, one_hot_Y, and its well-known slip: the biases' gradients
# summed over every entry, np.sum(dZ2) with no axis, a single number.
# backproof: --convention column --net 6,4,3 --batch 5 --act relu,softmax --cost log-likelihood --reduction mean
# call: backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y)
import numpy as np

def ReLU_deriv(Z):
    return Z > 0

def backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y):
    m = X.shape[1]
    one_hot_Y = Y
    dZ2 = A2 - one_hot_Y
    dW2 = 1 / m * dZ2.dot(A1.T)
    db2 = 1 / m * np.sum(dZ2)
    dZ1 = W2.T.dot(dZ2) * ReLU_deriv(Z1)
    dW1 = 1 / m * dZ1.dot(X.T)
    db1 = 1 / m * np.sum(dZ1)
    return dW1, db1, dW2, db2

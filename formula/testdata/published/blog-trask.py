# A famous short blog post's style (a network in a dozen lines): l0, l1,
# l2 for the layers, syn0 and syn1 for the weights, nonlin(x, deriv=True)
# for the derivative, the error as y − l2, no biases.
# backproof: --convention row --net 3,4,1 --batch 4 --act sigmoid --cost quadratic --reduction sum
# call: step(X, Y, W1, W2)
import numpy as np

def nonlin(x, deriv=False):
    if deriv == True:
        return x * (1 - x)
    return 1 / (1 + np.exp(-x))

def step(X, y, syn0, syn1):
    l0 = X
    l1 = nonlin(np.dot(l0, syn0))
    l2 = nonlin(np.dot(l1, syn1))
    l2_error = y - l2
    l2_delta = l2_error * nonlin(l2, deriv=True)
    l1_error = l2_delta.dot(syn1.T)
    l1_delta = l1_error * nonlin(l1, deriv=True)
    syn1 += l1.T.dot(l2_delta)
    syn0 += l0.T.dot(l1_delta)
    return syn0, syn1

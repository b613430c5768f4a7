# Nielsen's equations for one example, with the product of BP4 written the
# other way round, a_in δᵀ: the shape of W's transpose.
# backproof: --convention per-example --net 4,3,2 --batch 3 --act sigmoid --cost quadratic --reduction mean
# call: backprop(x, y)
import numpy as np

def sigmoid(z):
    return 1.0/(1.0+np.exp(-z))

def sigmoid_prime(z):
    return sigmoid(z)*(1-sigmoid(z))

def backprop(x, y):
    delta2 = (a2 - y) * sigmoid_prime(z2)
    dw2 = np.dot(a1, delta2.transpose())
    delta1 = np.dot(w2.transpose(), delta2) * sigmoid_prime(z1)
    dw1 = np.dot(x, delta1.transpose())
    return (dw1, dw2)

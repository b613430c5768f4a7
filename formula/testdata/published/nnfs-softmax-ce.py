# nnfs style: the combined softmax and categorical cross-entropy's backward
# step, then the dense layers' gradients, written out as functions of the
# learner's own over the layer's values.
# backproof: --convention row --net 4,5,3 --batch 6 --act relu,softmax --cost log-likelihood --reduction mean
# call: backward(A2, Y)
import numpy as np

def softmax_ce_backward(dvalues, y_true):
    samples = len(dvalues)
    if len(y_true.shape) == 2:
        y_true = np.argmax(y_true, axis=1)
    dinputs = dvalues.copy()
    dinputs[range(samples), y_true] -= 1
    dinputs = dinputs / samples
    return dinputs

def backward(A2, Y):
    dZ2 = softmax_ce_backward(A2, Y)
    dW2 = np.dot(A1.T, dZ2)
    db2 = np.sum(dZ2, axis=0, keepdims=True)
    dA1 = np.dot(dZ2, W2.T)
    dZ1 = dA1.copy()
    dZ1[Z1 <= 0] = 0
    dW1 = np.dot(X.T, dZ1)
    db1 = np.sum(dZ1, axis=0, keepdims=True)
    return dW1, db1, dW2, db2

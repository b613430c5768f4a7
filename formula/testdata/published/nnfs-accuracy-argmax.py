# nnfs style (Neural Networks from Scratch, the chapters on the loss and
# the accuracy, then the backward pass), written out without the classes:
# the softmax's outputs, the categorical cross-entropy averaged over the
# samples, the accuracy as the book computes it (the argmax of each
# sample's outputs compared with its class), then the backward pass of
# the combined softmax and loss. Examples in rows; the targets are
# one-hot, so the book's `if len(class_targets.shape) == 2:` branch is
# the one kept. The accuracy is evaluated and passed over, as the loss
# line is: its value is the log-likelihood averaged on one-hot targets
# only, so the header gives the cost.
# backproof: --convention row --net 4,5,3 --batch 6 --act relu,softmax --cost log-likelihood --reduction mean
# call: backward(X, Y, W1, b1, W2, b2)
import numpy as np

def backward(X, Y, W1, b1, W2, b2):
    # Layer_Dense.forward, Activation_ReLU.forward
    Z1 = np.dot(X, W1) + b1
    A1 = np.maximum(0, Z1)
    Z2 = np.dot(A1, W2) + b2
    # Activation_Softmax.forward
    exp_values = np.exp(Z2 - np.max(Z2, axis=1, keepdims=True))
    A2 = exp_values / np.sum(exp_values, axis=1, keepdims=True)

    # Loss_CategoricalCrossentropy: one-hot targets
    samples = len(A2)
    correct_confidences = np.sum(A2 * Y, axis=1)
    loss = np.mean(-np.log(correct_confidences))

    # accuracy
    predictions = np.argmax(A2, axis=1)
    class_targets = np.argmax(Y, axis=1)
    accuracy = np.mean(predictions == class_targets)

    # Activation_Softmax_Loss_CategoricalCrossentropy.backward
    dZ2 = (A2 - Y) / samples
    dW2 = np.dot(A1.T, dZ2)
    db2 = np.sum(dZ2, axis=0, keepdims=True)
    dA1 = np.dot(dZ2, W2.T)
    dZ1 = dA1.copy()
    dZ1[Z1 <= 0] = 0
    dW1 = np.dot(X.T, dZ1)
    db1 = np.sum(dZ1, axis=0, keepdims=True)
    return dW1, db1, dW2, db2

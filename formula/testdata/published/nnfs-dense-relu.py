# nnfs style ("Neural Networks from Scratch in Python"): layers as classes
# whose backward methods keep their gradients on self.
# backproof: --convention row --net 4,5,3 --batch 6 --act relu,softmax --cost log-likelihood --reduction mean
# call: run(X, Y, W1, b1, W2, b2)
import numpy as np

class Layer_Dense:
    def __init__(self, weights, biases):
        self.weights = weights
        self.biases = biases
    def forward(self, inputs):
        self.inputs = inputs
        self.output = np.dot(inputs, self.weights) + self.biases
    def backward(self, dvalues):
        self.dweights = np.dot(self.inputs.T, dvalues)
        self.dbiases = np.sum(dvalues, axis=0, keepdims=True)
        self.dinputs = np.dot(dvalues, self.weights.T)

class Activation_ReLU:
    def forward(self, inputs):
        self.inputs = inputs
        self.output = np.maximum(0, inputs)
    def backward(self, dvalues):
        self.dinputs = dvalues.copy()
        self.dinputs[self.inputs <= 0] = 0

def run(X, Y, W1, b1, W2, b2):
    dense1 = Layer_Dense(W1, b1)
    relu = Activation_ReLU()
    dense2 = Layer_Dense(W2, b2)
    dense1.forward(X)
    relu.forward(dense1.output)
    dense2.forward(relu.output)
    exp_values = np.exp(dense2.output - np.max(dense2.output, axis=1, keepdims=True))
    probabilities = exp_values / np.sum(exp_values, axis=1, keepdims=True)
    samples = len(probabilities)
    y_true = np.argmax(Y, axis=1)
    dinputs = probabilities.copy()
    dinputs[range(samples), y_true] -= 1
    dinputs = dinputs / samples
    dense2.backward(dinputs)
    relu.backward(dense2.dinputs)
    dense1.backward(relu.dinputs)
    dW1, db1, dW2, db2 = dense1.dweights, dense1.dbiases, dense2.dweights, dense2.dbiases
    return dW1, db1, dW2, db2

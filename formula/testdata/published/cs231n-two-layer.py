# CS231n style (the "putting it together" case study of the course notes):
# a ReLU hidden layer, a softmax classifier, examples in rows, the data
# loss averaged over the batch; the scores' gradient made in place.
# backproof: --convention row --net 4,5,3 --batch 6 --act relu,softmax --cost log-likelihood --reduction mean
# call: backward(X, y, W1, b1, W2, b2)
import numpy as np

def backward(X, y, W1, b1, W2, b2):
    num_examples = X.shape[0]
    # evaluate class scores, [N x K]
    hidden_layer = np.maximum(0, np.dot(X, W1) + b1)  # note, ReLU activation
    scores = np.dot(hidden_layer, W2) + b2

    # compute the class probabilities
    exp_scores = np.exp(scores)
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)  # [N x K]

    # compute the gradient on scores
    dscores = probs
    dscores[range(num_examples), y] -= 1
    dscores /= num_examples

    # backpropate the gradient to the parameters
    # first backprop into parameters W2 and b2
    dW2 = np.dot(hidden_layer.T, dscores)
    db2 = np.sum(dscores, axis=0, keepdims=True)
    # next backprop into hidden layer
    dhidden = np.dot(dscores, W2.T)
    # backprop the ReLU non-linearity
    dhidden[hidden_layer <= 0] = 0
    # finally into W,b
    dW1 = np.dot(X.T, dhidden)
    db1 = np.sum(dhidden, axis=0, keepdims=True)
    return dW1, db1, dW2, db2

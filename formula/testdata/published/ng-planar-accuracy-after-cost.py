# Andrew Ng's course style (Deep Learning Specialization, course 1, week 3,
# the planar-data notebook): the cost, then the training accuracy as the
# notebook's predict computes it (predictions = A2 > 0.5), then the
# backward pass; a tanh hidden layer, a sigmoid output, examples in
# columns. The header gives no cost: the accuracy is no cost's and is
# passed over; the cost line's value is the cross-entropy averaged over
# the batch, which dZ2 = A2 - Y assumes.
# backproof: --convention column --net 4,3,1 --batch 5 --act tanh,sigmoid
# call: model(X, Y, W1, b1, W2, b2)
import numpy as np

def model(X, Y, W1, b1, W2, b2):
    m = X.shape[1]

    # forward_propagation
    Z1 = np.dot(W1, X) + b1
    A1 = np.tanh(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = 1 / (1 + np.exp(-Z2))

    # compute_cost
    logprobs = np.multiply(np.log(A2), Y) + np.multiply((1 - Y), np.log(1 - A2))
    cost = - np.sum(logprobs) / m

    # predict, and the accuracy printed with the cost
    predictions = (A2 > 0.5)
    accuracy = (np.dot(Y, predictions.T) + np.dot(1 - Y, 1 - predictions.T)) / m * 100

    # backward_propagation
    dZ2 = A2 - Y
    dW2 = (1 / m) * np.dot(dZ2, A1.T)
    db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
    dW1 = (1 / m) * np.dot(dZ1, X.T)
    db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)

    grads = {"dW1": dW1,
             "db1": db1,
             "dW2": dW2,
             "db2": db2}
    return grads

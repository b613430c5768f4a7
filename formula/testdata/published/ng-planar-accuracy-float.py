# Andrew Ng's course style (Deep Learning Specialization, course 1, week 3,
# the planar-data notebook): the cost, then the training accuracy as the
# notebook prints it, float(… / float(Y.size) * 100), kept here as a line
# of its own, and the print itself, which is passed over; then the
# backward pass. A tanh hidden layer, a sigmoid output, examples in
# columns. The header gives no cost: the accuracy is no cost's and is
# passed over; the cost line's value is the cross-entropy averaged over
# the batch, which dZ2 = A2 - Y assumes.
# backproof: --convention column --net 3,4,1 --batch 6 --act tanh,sigmoid
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
    cost = float(np.squeeze(- np.sum(logprobs) / m))

    # predict, and the accuracy
    predictions = (A2 > 0.5)
    accuracy = float((np.dot(Y, predictions.T) + np.dot(1 - Y, 1 - predictions.T)) / float(Y.size) * 100)
    print ('Accuracy: %d' % float((np.dot(Y, predictions.T) + np.dot(1 - Y, 1 - predictions.T)) / float(Y.size) * 100) + '%')
    wrong = int(np.sum(predictions != Y))

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

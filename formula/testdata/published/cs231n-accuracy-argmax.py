# CS231n style (the "putting it together" case study of the course notes,
# with one-hot labels Y): the data loss averaged over the batch, the
# gradient, and the training accuracy as the notes evaluate it, the
# argmax of each example's scores against its class, printed; a ReLU
# hidden layer, a softmax classifier, examples in rows. The header gives
# no cost: the accuracy is no cost's and is passed over, the print too.
# backproof: --convention row --net 3,6,4 --batch 7 --act relu,softmax
# call: backward(X, Y, W1, b1, W2, b2)
import numpy as np

def backward(X, Y, W1, b1, W2, b2):
    num_examples = X.shape[0]
    # evaluate class scores, [N x K]
    hidden_layer = np.maximum(0, np.dot(X, W1) + b1)  # note, ReLU activation
    scores = np.dot(hidden_layer, W2) + b2

    # compute the class probabilities, and the average cross-entropy loss
    exp_scores = np.exp(scores)
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)  # [N x K]
    data_loss = -np.sum(Y * np.log(probs)) / num_examples

    # evaluate training set accuracy
    predicted_class = np.argmax(scores, axis=1)
    labels = np.argmax(Y, axis=1)
    print('training accuracy: %.2f' % (np.mean(predicted_class == labels)))
    accuracy = np.mean(predicted_class == Y.argmax(axis=1))

    # compute the gradient on scores
    dscores = (probs - Y) / num_examples

    # backpropate the gradient to the parameters
    dW2 = np.dot(hidden_layer.T, dscores)
    db2 = np.sum(dscores, axis=0, keepdims=True)
    dhidden = np.dot(dscores, W2.T)
    # backprop the ReLU non-linearity
    dhidden[hidden_layer <= 0] = 0
    dW1 = np.dot(X.T, dhidden)
    db1 = np.sum(dhidden, axis=0, keepdims=True)
    return dW1, db1, dW2, db2

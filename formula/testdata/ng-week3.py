# backward_propagation from the planar-data notebook of Andrew Ng's course
# (Coursera's Deep Learning Specialization, course 1, week 3), pasted as it
# is, with one mistake planted: dW1 lacks its 1/m. Column convention, tanh
# hidden layer, sigmoid output, cross-entropy cost averaged over the batch:
# backproof: --convention column --act tanh,sigmoid --cost cross-entropy
def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    W2 = parameters["W2"]
    A1 = cache["A1"]
    A2 = cache["A2"]

    dZ2 = A2 - Y
    dW2 = 1./m * np.dot(dZ2, A1.T)
    db2 = 1./m * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
    dW1 = np.dot(dZ1, X.T)
    db1 = 1./m * np.sum(dZ1, axis=1, keepdims=True)

    grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
    return grads

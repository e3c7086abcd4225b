"""The course's own straightforward NumPy training loop, as a baseline for benchmarks.

Written the way the exercises write it: parameters in a dict, fresh arrays every step, the cost computed
every iteration, three layers spelled out (relu, relu, sigmoid). ``style="init"`` follows the
Initialization exercise (``dz3 = 1/m * (a3 - Y)`` first), ``style="reg"`` the Regularization exercise
(``dW = 1/m * dot(dZ, A.T)``), with its L2 and dropout variants.
"""

from __future__ import annotations

import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def relu(x):
    return np.maximum(0, x)


def initialize(layers, init, seed=3):
    np.random.seed(seed)
    params = {}
    for l in range(1, len(layers)):  # noqa: E741
        if init == "zeros":
            W = np.zeros((layers[l], layers[l - 1]))
        elif init == "random":
            W = np.random.randn(layers[l], layers[l - 1]) * 10
        elif init == "he":
            W = np.random.randn(layers[l], layers[l - 1]) * np.sqrt(2.0 / layers[l - 1])
        else:
            W = np.random.randn(layers[l], layers[l - 1]) / np.sqrt(layers[l - 1])
        params["W" + str(l)] = W
        params["b" + str(l)] = np.zeros((layers[l], 1))
    return params


def forward(X, p, keep_prob=1.0):
    if keep_prob < 1:
        np.random.seed(1)
    z1 = np.dot(p["W1"], X) + p["b1"]
    a1 = relu(z1)
    d1 = None
    if keep_prob < 1:
        d1 = np.random.rand(a1.shape[0], a1.shape[1])
        d1 = (d1 < keep_prob).astype(int)
        a1 = a1 * d1
        a1 = a1 / keep_prob
    z2 = np.dot(p["W2"], a1) + p["b2"]
    a2 = relu(z2)
    d2 = None
    if keep_prob < 1:
        d2 = np.random.rand(a2.shape[0], a2.shape[1])
        d2 = (d2 < keep_prob).astype(int)
        a2 = a2 * d2
        a2 = a2 / keep_prob
    z3 = np.dot(p["W3"], a2) + p["b3"]
    a3 = sigmoid(z3)
    return a3, (z1, d1, a1, z2, d2, a2, z3, a3)


def cost(a3, Y, p=None, lambd=0.0):
    m = Y.shape[1]
    logprobs = np.multiply(-np.log(a3), Y) + np.multiply(-np.log(1 - a3), 1 - Y)
    c = 1.0 / m * np.nansum(logprobs)
    if lambd:
        c = c + (1.0 / m * lambd / 2) * (np.sum(np.square(p["W1"])) + np.sum(np.square(p["W2"]))
                                         + np.sum(np.square(p["W3"])))
    return c


def backward_init(X, Y, cache, p):
    m = X.shape[1]
    (z1, d1, a1, z2, d2, a2, z3, a3) = cache
    dz3 = 1.0 / m * (a3 - Y)
    dW3 = np.dot(dz3, a2.T)
    db3 = np.sum(dz3, axis=1, keepdims=True)
    da2 = np.dot(p["W3"].T, dz3)
    dz2 = np.multiply(da2, np.int64(a2 > 0))
    dW2 = np.dot(dz2, a1.T)
    db2 = np.sum(dz2, axis=1, keepdims=True)
    da1 = np.dot(p["W2"].T, dz2)
    dz1 = np.multiply(da1, np.int64(a1 > 0))
    dW1 = np.dot(dz1, X.T)
    db1 = np.sum(dz1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dW3": dW3, "db3": db3}


def backward_reg(X, Y, cache, p, lambd=0.0, keep_prob=1.0):
    m = X.shape[1]
    (z1, d1, a1, z2, d2, a2, z3, a3) = cache
    dZ3 = a3 - Y
    dW3 = 1.0 / m * np.dot(dZ3, a2.T) + (lambd / m) * p["W3"]
    db3 = 1.0 / m * np.sum(dZ3, axis=1, keepdims=True)
    dA2 = np.dot(p["W3"].T, dZ3)
    if keep_prob < 1:
        dA2 = dA2 * d2
        dA2 = dA2 / keep_prob
    dZ2 = np.multiply(dA2, np.int64(a2 > 0))
    dW2 = 1.0 / m * np.dot(dZ2, a1.T) + (lambd / m) * p["W2"]
    db2 = 1.0 / m * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = np.dot(p["W2"].T, dZ2)
    if keep_prob < 1:
        dA1 = dA1 * d1
        dA1 = dA1 / keep_prob
    dZ1 = np.multiply(dA1, np.int64(a1 > 0))
    dW1 = 1.0 / m * np.dot(dZ1, X.T) + (lambd / m) * p["W1"]
    db1 = 1.0 / m * np.sum(dZ1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dW3": dW3, "db3": db3}


def model(X, Y, layers, init, learning_rate, iterations, style="reg", lambd=0.0, keep_prob=1.0, seed=3):
    """Train like the exercise; returns the parameters and the costs at every 1000th iteration."""
    p = initialize(layers, init, seed)
    costs = {}
    with np.errstate(all="ignore"):
        for i in range(iterations):
            a3, cache = forward(X, p, keep_prob)
            c = cost(a3, Y, p, lambd)
            if style == "init":
                grads = backward_init(X, Y, cache, p)
            else:
                grads = backward_reg(X, Y, cache, p, lambd, keep_prob)
            for k in range(1, 4):
                p["W" + str(k)] = p["W" + str(k)] - learning_rate * grads["dW" + str(k)]
                p["b" + str(k)] = p["b" + str(k)] - learning_rate * grads["db" + str(k)]
            if i % 1000 == 0:
                costs[i] = c
    return p, costs


def accuracy(X, Y, p):
    a3, _ = forward(X, p)
    return float(np.mean((a3 > 0.5)[0, :] == Y[0, :]))

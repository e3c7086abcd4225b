"""The exercises: ids, the course's signatures, starter files and hints in steps (NumPy-free catalogue).

The CLI, the app and the checker all read this one table. Each exercise asks for the course's own function(s)
with the course's signature and cache layout, so notebook code can be pasted unchanged. Hints come in levels:
1 is a nudge, 2 the formula, 3 the shape of the code (never the full solution).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dltutor.core.errors import TutorError


@dataclass(frozen=True)
class Function:
    """One function the learner writes.

    Args:
        name: the course's name (``initialize_parameters_he``).
        signature: its parameters as the course writes them (``layers_dims``).
        doc: the docstring of the starter file (Arguments/Returns in the course's words).
    """

    name: str
    signature: str
    doc: str


@dataclass(frozen=True)
class Exercise:
    """One exercise.

    Args:
        id: the name on the command line (``init-he``).
        title: a short title.
        lesson: the lesson id it practises.
        functions: what the learner writes, in order.
        task: what to do, in two or three sentences.
        hints: level 1 (a nudge), level 2 (the formula), level 3 (the shape of the code).
        course: True for the course's own graded functions, False for the tutor's additions.
        trains: the course preset the learner's passed functions can train (``course-reg-l2``), if any.
    """

    id: str
    title: str
    lesson: str
    functions: tuple[Function, ...]
    task: str
    hints: tuple[str, ...]
    course: bool = True
    trains: str | None = None

    @property
    def function_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.functions)

    @property
    def file_name(self) -> str:
        """The starter file's name: ``init_he.py``."""
        return self.id.replace("-", "_") + ".py"

    def hint(self, level: int = 1) -> str:
        """The hint of ``level`` (1-based); :class:`TutorError` outside ``1..len(hints)``."""
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= len(self.hints):
            raise TutorError("--level", f"{level!r} is not a hint level of {self.id}",
                             f"a whole number from 1 to {len(self.hints)}")
        return self.hints[level - 1]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "lesson": self.lesson, "course": self.course,
                "functions": [f"{f.name}({f.signature})" for f in self.functions], "task": self.task,
                "hint_levels": len(self.hints), "file_name": self.file_name, "trains": self.trains}


_LAYERS_DOC = """Arguments:
    layers_dims -- python list containing the size of each layer, e.g. [2, 10, 5, 1]

    Returns:
    parameters -- python dictionary containing your parameters "W1", "b1", ..., "WL", "bL":
                    W1 -- weight matrix of shape (layers_dims[1], layers_dims[0])
                    b1 -- bias vector of shape (layers_dims[1], 1)
                    ...
                    WL -- weight matrix of shape (layers_dims[L], layers_dims[L-1])
                    bL -- bias vector of shape (layers_dims[L], 1)"""

_CACHE = "(Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)"
_DROPOUT_CACHE = "(Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)"

EXERCISES: dict[str, Exercise] = {e.id: e for e in (
    Exercise(
        "init-zeros", "Zero initialization", "weight-init",
        (Function("initialize_parameters_zeros", "layers_dims", "Set every weight and bias to zero.\n\n    "
                  + _LAYERS_DOC),),
        "Return W1, b1, ..., WL, bL, all zeros, with the course's shapes: W[l] is (n[l], n[l-1]) and b[l] is "
        "(n[l], 1). (Then see why it fails: every unit of a layer stays identical.)",
        ("Loop over the layers l = 1 .. L-1 where L = len(layers_dims); each layer needs a W and a b.",
         "W[l] has shape (layers_dims[l], layers_dims[l-1]); b[l] has shape (layers_dims[l], 1). "
         "np.zeros takes the shape as ONE tuple: np.zeros((rows, cols)).",
         "for l in range(1, L):\n    parameters['W' + str(l)] = np.zeros((..., ...))\n"
         "    parameters['b' + str(l)] = np.zeros((..., 1))")),
    Exercise(
        "init-random", "Large random initialization", "weight-init",
        (Function("initialize_parameters_random", "layers_dims",
                  "Weights drawn from a standard normal times 10, biases zero (np.random.seed(3) first, as "
                  "the course does).\n\n    " + _LAYERS_DOC),),
        "Call np.random.seed(3) first, then for each layer in order draw W[l] with np.random.randn(n[l], "
        "n[l-1]) and multiply it by 10; biases are zeros. The seed and the order of the draws are part of "
        "the exercise: the checker compares numbers.",
        ("Seed once at the top with np.random.seed(3); then one randn draw per layer, W1 first.",
         "W[l] = np.random.randn(layers_dims[l], layers_dims[l-1]) * 10 and b[l] = zeros of (layers_dims[l], 1). "
         "Do not draw the biases: an extra draw shifts every later weight.",
         "np.random.seed(3)\nfor l in range(1, L):\n    parameters['W' + str(l)] = np.random.randn(..., ...) * 10\n"
         "    parameters['b' + str(l)] = np.zeros((..., 1))")),
    Exercise(
        "init-he", "He initialization", "weight-init",
        (Function("initialize_parameters_he", "layers_dims",
                  "He initialization: weights times sqrt(2 / n[l-1]), biases zero (np.random.seed(3) first, "
                  "as the course does).\n\n    " + _LAYERS_DOC),),
        "Call np.random.seed(3), then draw W[l] = randn(n[l], n[l-1]) scaled so that Var(W) = 2 / n[l-1] "
        "(He et al., for ReLU layers); biases zero.",
        ("Variance 2/n means a standard deviation sqrt(2/n): scale the standard normal draw by that. Which n? "
         "The number of inputs of the layer.",
         "W[l] = np.random.randn(layers_dims[l], layers_dims[l-1]) * np.sqrt(2. / layers_dims[l-1]); "
         "Xavier would be sqrt(1 / layers_dims[l-1]).",
         "np.random.seed(3)\nL = len(layers_dims) - 1\nfor l in range(1, L + 1):\n"
         "    parameters['W' + str(l)] = np.random.randn(...) * np.sqrt(2. / ...)\n"
         "    parameters['b' + str(l)] = np.zeros((..., 1))")),
    Exercise(
        "l2-cost", "Cost with L2 regularization", "regularization",
        (Function("compute_cost_with_regularization", "A3, Y, parameters, lambd",
                  "Implement the cost function with L2 regularization.\n\n    Arguments:\n"
                  "    A3 -- post-activation, output of forward propagation, of shape (output size, number of "
                  "examples)\n    Y -- \"true\" labels vector, of shape (output size, number of examples)\n"
                  "    parameters -- python dictionary containing parameters of the model (W1, b1, W2, b2, W3, b3)"
                  "\n    lambd -- the regularization strength\n\n    Returns:\n"
                  "    cost -- value of the regularized loss function"),),
        "Return the cross-entropy cost (the helper compute_cost(A3, Y) gives it) plus the L2 term "
        "(lambd / (2m)) * (||W1||^2 + ||W2||^2 + ||W3||^2), squared Frobenius norms of the weights only.",
        ("Two parts: the cross-entropy you already have (compute_cost), and a penalty on the size of the weights. "
         "m is the number of examples, Y.shape[1].",
         "L2 term = (1/m) * (lambd/2) * (np.sum(np.square(W1)) + np.sum(np.square(W2)) + np.sum(np.square(W3))). "
         "Biases are not penalized.",
         "m = Y.shape[1]\ncross_entropy_cost = compute_cost(A3, Y)\nL2_regularization_cost = ...\n"
         "cost = cross_entropy_cost + L2_regularization_cost")),
    Exercise(
        "l2-backward", "Backpropagation with L2 regularization", "regularization",
        (Function("backward_propagation_with_regularization", "X, Y, cache, lambd",
                  "Backward propagation of the 3-layer model (LINEAR->RELU->LINEAR->RELU->LINEAR->SIGMOID) "
                  "with L2 regularization.\n\n    Arguments:\n    X -- input dataset, of shape (input size, "
                  "number of examples)\n    Y -- \"true\" labels vector, of shape (output size, number of "
                  f"examples)\n    cache -- cache output from forward_propagation(): {_CACHE}\n"
                  "    lambd -- regularization hyperparameter, scalar\n\n    Returns:\n"
                  "    gradients -- A dictionary with the gradients with respect to each parameter, activation "
                  "and pre-activation variables (dW1, db1, ..., dZ3)"),),
        "The plain backward pass of the 3-layer network, plus the gradient of the L2 term on every dW. Unpack "
        f"the cache as {_CACHE}.",
        ("Differentiate the extra cost term (lambd/(2m)) ||W||^2 with respect to W: it only touches the dW's.",
         "dW[l] = (1/m) dZ[l] A[l-1]^T + (lambd/m) W[l]; db[l] is unchanged; dZ3 = A3 - Y, "
         "dA[l] = W[l+1]^T dZ[l+1], dZ[l] = dA[l] * (A[l] > 0).",
         "dW3 = 1./m * np.dot(dZ3, A2.T) + ...\ndb3 = 1./m * np.sum(dZ3, axis=1, keepdims=True)\n"
         "dA2 = np.dot(W3.T, dZ3)\ndZ2 = np.multiply(dA2, np.int64(A2 > 0))\n...")),
    Exercise(
        "dropout-forward", "Forward propagation with dropout", "dropout",
        (Function("forward_propagation_with_dropout", "X, parameters, keep_prob=0.5",
                  "Forward propagation LINEAR -> RELU + DROPOUT -> LINEAR -> RELU + DROPOUT -> LINEAR -> "
                  "SIGMOID.\n\n    Arguments:\n    X -- input dataset, of shape (2, number of examples)\n"
                  "    parameters -- python dictionary containing your parameters \"W1\", \"b1\", \"W2\", "
                  "\"b2\", \"W3\", \"b3\"\n    keep_prob -- probability of keeping a neuron active during "
                  "drop-out, scalar\n\n    Returns:\n    A3 -- last activation value, output of the forward "
                  f"propagation, of shape (1,1)\n    cache -- tuple, information stored for computing the "
                  f"backward propagation: {_DROPOUT_CACHE}"),),
        "Inverted dropout on the two hidden layers: start with np.random.seed(1); for each hidden layer draw "
        "D = np.random.rand(same shape as A), keep where D < keep_prob, multiply A by D and divide by keep_prob. "
        f"No dropout on the input or the output. Return A3 and the cache {_DROPOUT_CACHE}.",
        ("Inverted dropout keeps the expected value of each activation: shut some units down, then scale the "
         "survivors up. The masks are random: seed first, draw D1 before D2.",
         "D1 = np.random.rand(A1.shape[0], A1.shape[1]); D1 = (D1 < keep_prob).astype(int); A1 = A1 * D1; "
         "A1 = A1 / keep_prob; the same for layer 2; nothing on A3.",
         "np.random.seed(1)\n...\nZ1 = np.dot(W1, X) + b1\nA1 = relu(Z1)\nD1 = ...\nA1 = ...\nA1 = ...\n"
         "Z2 = np.dot(W2, A1) + b2\n...\ncache = (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)")),
    Exercise(
        "dropout-backward", "Backpropagation with dropout", "dropout",
        (Function("backward_propagation_with_dropout", "X, Y, cache, keep_prob",
                  "Backward propagation of the baseline model to which dropout was added.\n\n    Arguments:\n"
                  "    X -- input dataset, of shape (2, number of examples)\n    Y -- \"true\" labels vector, "
                  "of shape (output size, number of examples)\n    cache -- cache output from "
                  f"forward_propagation_with_dropout(): {_DROPOUT_CACHE}\n    keep_prob -- probability of "
                  "keeping a neuron active during drop-out, scalar\n\n    Returns:\n    gradients -- A "
                  "dictionary with the gradients with respect to each parameter, activation and pre-activation "
                  "variables"),),
        "The backward pass with the SAME masks as the forward pass: after computing dA2 and dA1, shut down the "
        "same units (multiply by D2, D1) and scale by 1/keep_prob, as forward did.",
        ("Backprop follows the forward pass step by step: whatever forward did to A1 and A2, do to dA1 and dA2.",
         "dA2 = np.dot(W3.T, dZ3); dA2 = dA2 * D2; dA2 = dA2 / keep_prob; dZ2 = dA2 * (A2 > 0); and the "
         "same for dA1 with D1. dW and db keep their 1/m.",
         "(Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3) = cache\ndZ3 = A3 - Y\n...\n"
         "dA2 = np.dot(W3.T, dZ3)\ndA2 = ...\ndA2 = ...\ndZ2 = np.multiply(dA2, np.int64(A2 > 0))\n...")),
    Exercise(
        "gradcheck-1d", "Gradient checking in one dimension", "numerical-gradients",
        (Function("forward_propagation", "x, theta",
                  "Implement the linear forward propagation (compute J) J(theta) = theta * x.\n\n    Arguments:\n"
                  "    x -- a real-valued input\n    theta -- our parameter, a real number as well\n\n    Returns:\n"
                  "    J -- the value of function J, computed using the formula J(theta) = theta * x"),
         Function("backward_propagation", "x, theta",
                  "Compute the derivative of J with respect to theta.\n\n    Returns:\n"
                  "    dtheta -- the gradient of the cost with respect to theta"),
         Function("gradient_check", "x, theta, epsilon=1e-7",
                  "Check if backward_propagation computes correctly the gradient of forward_propagation.\n\n"
                  "    Returns:\n    difference -- difference between the approximated gradient and the "
                  "backward propagation gradient")),
        "J(theta) = theta * x. Write J, its derivative, and gradient_check: the two-sided difference "
        "gradapprox = (J(theta + eps) - J(theta - eps)) / (2 eps) compared with your gradient by "
        "||grad - gradapprox|| / (||grad|| + ||gradapprox||).",
        ("Call YOUR forward_propagation at theta + epsilon and at theta - epsilon (two-sided: its error is "
         "O(eps^2), one-sided only O(eps)).",
         "gradapprox = (J_plus - J_minus) / (2 * epsilon); difference = np.linalg.norm(grad - gradapprox) / "
         "(np.linalg.norm(grad) + np.linalg.norm(gradapprox)).",
         "theta_plus = theta + epsilon\ntheta_minus = ...\nJ_plus = forward_propagation(x, theta_plus)\n...\n"
         "grad = backward_propagation(x, theta)\nnumerator = ...\ndenominator = ...")),
    Exercise(
        "gradcheck-n", "N-dimensional gradient checking", "gradient-checking",
        (Function("gradient_check_n", "parameters, gradients, X, Y, epsilon=1e-7",
                  "Checks if backward_propagation_n computes correctly the gradient of the cost output by "
                  "forward_propagation_n.\n\n    Arguments:\n    parameters -- python dictionary containing "
                  "your parameters \"W1\", \"b1\", \"W2\", \"b2\", \"W3\", \"b3\"\n    gradients -- output of "
                  "backward_propagation_n, contains gradients of the cost with respect to the parameters\n"
                  "    X -- input datapoint, of shape (input size, number of examples)\n    Y -- true \"label\"\n"
                  "    epsilon -- tiny shift to the input to compute approximated gradient\n\n    Returns:\n"
                  "    difference -- difference between the approximated gradient and the backward propagation "
                  "gradient"),),
        "Flatten the parameters (dictionary_to_vector) and gradients (gradients_to_vector); for every i, nudge "
        "theta[i] by +epsilon and by -epsilon on copies, compute J with forward_propagation_n(X, Y, "
        "vector_to_dictionary(theta)), and compare gradapprox with grad by the relative difference.",
        ("One parameter at a time: copy the whole vector, change only element i, run forward_propagation_n. "
         "A copy each time, or the nudges pile up.",
         "gradapprox[i] = (J_plus[i] - J_minus[i]) / (2 * epsilon); difference = ||grad - gradapprox||_2 / "
         "(||grad||_2 + ||gradapprox||_2); above 2e-7 the course says there is a mistake.",
         "parameters_values, _ = dictionary_to_vector(parameters)\ngrad = gradients_to_vector(gradients)\n"
         "for i in range(num_parameters):\n    theta_plus = np.copy(parameters_values)\n"
         "    theta_plus[i][0] = ...\n    J_plus[i], _ = forward_propagation_n(X, Y, vector_to_dictionary(...))\n"
         "    ...")),
    Exercise(
        "normalize-inputs", "Normalize inputs with the training statistics", "normalizing-inputs",
        (Function("normalize_inputs", "X_train, X_test",
                  "Normalize every feature to mean 0 and variance 1 using the TRAINING set's statistics.\n\n"
                  "    Arguments:\n    X_train -- training inputs, shape (n_x, m_train)\n    X_test -- test "
                  "inputs, shape (n_x, m_test)\n\n    Returns:\n    X_train_norm, X_test_norm -- both normalized "
                  "with the training mean mu and standard deviation sigma, shapes unchanged"),),
        "Compute mu and sigma^2 per feature (row) on the training set only, then apply (X - mu) / sigma to the "
        "training AND the test inputs. Examples are columns.",
        ("The test set must go through exactly the same transformation as the training set, so use the training "
         "set's numbers for both. Per feature means along which axis?",
         "mu = (1/m) sum over examples: np.mean(X_train, axis=1, keepdims=True); sigma2 = np.mean((X_train - "
         "mu) ** 2, axis=1, keepdims=True); X_norm = (X - mu) / np.sqrt(sigma2).",
         "mu = np.mean(X_train, axis=1, keepdims=True)\nsigma = ...\nreturn (X_train - mu) / sigma, ..."),
        course=False),
    Exercise(
        "l1-cost", "Cost with L1 regularization", "why-regularization",
        (Function("compute_cost_with_l1", "A3, Y, parameters, lambd",
                  "The cross-entropy cost plus the L1 penalty (lambd / m) * sum of |W| over W1, W2, W3.\n\n"
                  "    Returns:\n    cost -- value of the regularized loss function"),),
        "Like the L2 cost, but the penalty is (lambd / m) * (sum|W1| + sum|W2| + sum|W3|), as the lecture writes "
        "it (some write lambd/(2m); here it is lambd/m). Biases are not penalized.",
        ("Absolute values instead of squares, and no 1/2 in front.",
         "cost = compute_cost(A3, Y) + (lambd / m) * (np.sum(np.abs(W1)) + np.sum(np.abs(W2)) + "
         "np.sum(np.abs(W3))).",
         "m = Y.shape[1]\ncross_entropy_cost = compute_cost(A3, Y)\nL1_cost = ...\nreturn ..."),
        course=False),
    Exercise(
        "weight-decay", "L2 regularization as weight decay", "why-regularization",
        (Function("update_parameters_with_weight_decay", "parameters, grads, learning_rate, lambd, m",
                  "One step of gradient descent on the L2-regularized cost, written as weight decay.\n\n"
                  "    Arguments:\n    parameters -- python dictionary with W1, b1, ..., WL, bL\n"
                  "    grads -- the gradients of the cross-entropy ALONE (dW1, db1, ...: no L2 term in them)\n"
                  "    learning_rate -- alpha\n    lambd -- the L2 strength\n    m -- the number of examples\n\n"
                  "    Returns:\n    parameters -- the updated dictionary"),),
        "Show that L2 regularization shrinks the weights at every step: W := (1 - alpha lambd / m) W - alpha dW "
        "for every layer (dW without the L2 term), and b := b - alpha db (biases are not decayed).",
        ("Start from W := W - alpha (dW + (lambd/m) W) and collect the terms in W.",
         "W[l] = (1 - learning_rate * lambd / m) * W[l] - learning_rate * dW[l]; b[l] = b[l] - learning_rate * "
         "db[l]. Loop over the layers L = len(parameters) // 2.",
         "L = len(parameters) // 2\nfor l in range(1, L + 1):\n    parameters['W' + str(l)] = (1 - ...) * ... - ...\n"
         "    parameters['b' + str(l)] = ..."),
        course=False),
)}

# the presets a learner's passed functions can train (set after the table, to keep it readable)
for _id, _preset in (("l2-cost", "course-reg-l2"), ("l2-backward", "course-reg-l2"),
                     ("dropout-forward", "course-reg-dropout"), ("dropout-backward", "course-reg-dropout"),
                     ("init-zeros", "course-init-zeros"), ("init-random", "course-init-random"),
                     ("init-he", "course-init-he")):
    object.__setattr__(EXERCISES[_id], "trains", _preset)

#: Which exercises a preset needs for ``train --with-exercises``.
TRAINABLE: dict[str, tuple[str, ...]] = {
    "course-reg-l2": ("l2-cost", "l2-backward"),
    "course-reg-dropout": ("dropout-forward", "dropout-backward"),
    "course-init-zeros": ("init-zeros",),
    "course-init-random": ("init-random",),
    "course-init-he": ("init-he",),
}


def get_exercise(exercise_id: str) -> Exercise:
    """The exercise ``exercise_id``, or a :class:`TutorError` that lists every id."""
    if not isinstance(exercise_id, str) or not exercise_id.strip():
        raise TutorError("exercise", "empty id", ", ".join(EXERCISES))
    key = exercise_id.strip()
    if key not in EXERCISES:
        raise TutorError("exercise", f"unknown exercise {exercise_id!r}", ", ".join(EXERCISES))
    return EXERCISES[key]


def exercises_for_lesson(lesson_id: str) -> list[Exercise]:
    """The exercises that practise one lesson, in catalogue order."""
    return [e for e in EXERCISES.values() if e.lesson == lesson_id]


def starter_text(exercise: Exercise) -> str:
    """The starter file: a header, the helpers' import, each function with its docstring and ``# YOUR CODE``."""
    lines = [f'"""dltutor exercise {exercise.id}: {exercise.title}.', "", *_wrap(exercise.task), "",
             f"Check it:  dltutor exercise check {exercise.id} {exercise.file_name}",
             f"Watch it:  dltutor exercise watch {exercise.id} {exercise.file_name}",
             f"Hints:     dltutor exercise hint {exercise.id} --level 1   (then 2, 3)",
             "The course's helpers (relu, sigmoid, compute_cost, forward_propagation_n, dictionary_to_vector, ...)",
             "are already available, as in the notebook; the import below makes that explicit.", '"""', "",
             "import numpy as np", "", "from dltutor_helpers import *  # noqa: F401,F403  (the notebook's helpers)",
             ""]
    for fn in exercise.functions:
        lines += ["", f"def {fn.name}({fn.signature}):", f'    """{fn.doc}', '    """', "    # YOUR CODE HERE",
                  "    raise NotImplementedError(\"" + fn.name + "\")", ""]
    return "\n".join(lines)


def _wrap(text: str, width: int = 100) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width)

"""Numpy reference implementations of the soups that `tureen soup` makes, used by the demo's
`--reference` mode and by the interop test: the same recipes as issue 12 specifies, in memory."""
import numpy as np

import mlp


def mix(ingredients, weights):
    """Σᵢ wᵢ θᵢ per tensor, in float64, returned as float32. `weights` is one vector for the whole
    model or a dict of one vector per tensor."""
    mixed = {}
    for name in ingredients[0]:
        w = weights[name] if isinstance(weights, dict) else weights
        mixed[name] = sum(wi * ingredient[name].astype(np.float64) for wi, ingredient in zip(w, ingredients)).astype(np.float32)
    return mixed


def uniform(ingredients):
    return mix(ingredients, np.full(len(ingredients), 1 / len(ingredients)))


def greedy(ingredients, score, accept="ge"):
    """Recipe 1: sort by score alone (stable), start from the best, keep each next ingredient if the
    soup with it scores ≥ (or >) the best so far. Returns (kept indexes, final score, steps), each
    step (index, own score, candidate score, kept)."""
    own = [score(ingredient) for ingredient in ingredients]
    order = sorted(range(len(ingredients)), key=lambda index: -own[index])
    kept, best = [order[0]], own[order[0]]
    steps = [(order[0], own[order[0]], own[order[0]], True)]
    for index in order[1:]:
        candidate = score(uniform([ingredients[k] for k in kept + [index]]))
        keep = candidate >= best if accept == "ge" else candidate > best
        if keep:
            kept.append(index)
            best = candidate
        steps.append((index, own[index], candidate, keep))
    return kept, best, steps


def softmax(alpha):
    e = np.exp(alpha - alpha.max())
    return e / e.sum()


def learned(ingredients, loss_and_grad, steps, lr=0.05):
    """The learned soup by tensor: α per tensor, θ(α) = Σᵢ softmax(α)ᵢ θᵢ, Adam on the held-out loss,
    ∂loss/∂αᵢ = wᵢ ⟨∂loss/∂θ, θᵢ − θ(α)⟩. Returns (weights per tensor, losses per step)."""
    count = len(ingredients)
    alpha = {name: np.zeros(count) for name in ingredients[0]}
    first = {name: np.zeros(count) for name in alpha}
    second = {name: np.zeros(count) for name in alpha}
    losses = []
    for step in range(1, steps + 1):
        weights = {name: softmax(a) for name, a in alpha.items()}
        soup = mix(ingredients, weights)
        loss, grads = loss_and_grad(soup)
        losses.append(loss)
        for name, a in alpha.items():
            g = grads[name].astype(np.float64).ravel()
            d = np.array([g @ (ingredient[name].astype(np.float64).ravel() - soup[name].astype(np.float64).ravel())
                          for ingredient in ingredients])
            grad_alpha = weights[name] * d
            first[name] = 0.9 * first[name] + 0.1 * grad_alpha
            second[name] = 0.999 * second[name] + 0.001 * grad_alpha ** 2
            a -= lr * (first[name] / (1 - 0.9 ** step)) / (np.sqrt(second[name] / (1 - 0.999 ** step)) + 1e-8)
    return {name: softmax(a) for name, a in alpha.items()}, losses


def ensemble_accuracy(ingredients, x, y):
    """Accuracy of the logit ensemble: the mean of the networks' logits."""
    z = np.mean([mlp.logits(params, x) for params in ingredients], axis=0)
    return float(np.mean(z.argmax(axis=1) == y))

"""The gym-anm paper's protocol from Python: one run of a policy for `steps` steps from a
seeded reset, scored by its discounted return (γ from the scenario), as `gridpilot evaluate`
scores agents."""

from __future__ import annotations

from typing import Callable

import numpy as np


def discounted_return(env, act: Callable[[np.ndarray], np.ndarray], steps: int = 2000,
                      seed: int = 0) -> float:
    """Runs `act` (observation to action) on `env`, a `GridEnv`, from `reset(seed=seed)` for
    `steps` steps or until the episode ends; returns Σ γᵗ rₜ."""
    obs, _ = env.reset(seed=seed)
    total, weight = 0.0, 1.0
    for _ in range(steps):
        obs, reward, terminated, truncated, _ = env.step(act(obs))
        total += weight * reward
        weight *= env.unwrapped.discount
        if terminated or truncated:
            break
    return total

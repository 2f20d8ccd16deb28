"""Trains PPO with Ray RLlib on a GridPilot environment, rollouts spread over env runners, saves
a checkpoint, and scores the policy with the gym-anm paper's protocol (one run of 2,000 steps,
γ from the scenario).

    pip install ./python "ray[rllib]" torch
    python python/examples/rllib_ppo.py [--network anm6_easy] [--iterations 50] [--env-runners 2]

On a Ray cluster, give its address (`--address ray://head:10001`, or `auto` on a cluster node):
the same script then spreads the env runners over the cluster's machines. Watch the trained
policy in the app: serve `act` below with `gridpilot.serve_policy(act, normalized_actions=True)`,
then Agent → Remote policy… (or `gridpilot run --agent remote:http://127.0.0.1:8765`).
"""

import argparse
from pathlib import Path

import gymnasium
import numpy as np
import ray
from ray.rllib.algorithms.ppo import PPOConfig
from ray.tune.registry import register_env

import gridpilot
from gridpilot.evaluation import discounted_return
from gridpilot.serve import rllib_policy


def find(result: dict, key: str) -> float:
    """A figure from RLlib's nested result dict, wherever this Ray version puts it."""
    for name, value in result.items():
        if name == key:
            return float(value)
        if isinstance(value, dict):
            found = find(value, key)
            if found == found:  # not NaN
                return found
    return float("nan")


def observation_scale(network: str) -> tuple[np.ndarray, np.ndarray]:
    """Mean and spread of the observations over a day of doing nothing: a fixed normalisation
    (the same in every env runner, and when the policy is served later)."""
    env = gridpilot.GridEnv(network)
    obs, _ = env.reset(seed=0)
    seen = [obs]
    for _ in range(env.steps_per_cycle):
        obs, _, terminated, truncated, _ = env.step(env.do_nothing)
        seen.append(obs)
        if terminated or truncated:
            break
    seen = np.array(seen)
    return seen.mean(axis=0), np.maximum(seen.std(axis=0), 1.0)


def make_env(config: dict):
    """What PPO trains on: actions in [-1, 1], observations normalised, and rewards divided by
    100 with a step's loss capped at 100 (a failed solve's −20,000 would swamp the value
    function); the scores below are of the unchanged environment."""
    env = gridpilot.GridEnv(config["network"], normalize_actions=True,
                            episode_steps=config["episode_steps"])
    mean, std = observation_scale(config["network"])
    space = gymnasium.spaces.Box(-np.inf, np.inf, shape=mean.shape, dtype=np.float64)
    env = gymnasium.wrappers.TransformObservation(env, lambda o: (o - mean) / std, space)
    return gymnasium.wrappers.TransformReward(env, lambda r: max(r, -100.0) / 100.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--network", default="anm6_easy")
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--env-runners", type=int, default=2)
    parser.add_argument("--episode-steps", type=int, default=288)
    parser.add_argument("--address", default=None, help="a Ray cluster (default: a local Ray)")
    parser.add_argument("--out", default="ppo-gridpilot")
    args = parser.parse_args()

    ray.init(address=args.address)
    register_env("gridpilot", make_env)
    config = (
        PPOConfig()
        .environment("gridpilot", env_config={"network": args.network,
                                              "episode_steps": args.episode_steps})
        .env_runners(num_env_runners=args.env_runners)
        .training(gamma=gridpilot.GridEnv(args.network).discount, lr=3e-4,
                  train_batch_size_per_learner=4000, minibatch_size=256, num_epochs=10)
    )
    algorithm = config.build_algo()
    for i in range(1, args.iterations + 1):
        result = algorithm.train()
        mean = find(result, "episode_return_mean")
        print(f"iteration {i}: mean episode return {mean:.3f}", flush=True)
    checkpoint = algorithm.save(str(Path(args.out).resolve()))
    path = checkpoint.checkpoint.path
    print(f"checkpoint: {path}")

    mean, std = observation_scale(args.network)
    policy = rllib_policy(path)
    act = lambda obs: policy((obs - mean) / std)
    evaluation = gridpilot.GridEnv(args.network, normalize_actions=True)
    for seed in (0, 1, 2):
        score = discounted_return(evaluation, act, steps=2000, seed=seed)
        print(f"{args.network}: PPO after {args.iterations} iterations, seed {seed}: "
              f"discounted return {score:.3f}")
    ray.shutdown()


if __name__ == "__main__":
    np.set_printoptions(precision=3)
    main()

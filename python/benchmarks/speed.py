"""Steps per second from Python on a bundled network, with a random agent (actions drawn in
advance, so the figure is the environment's): one GridEnv, then a GridVectorEnv.

    python python/benchmarks/speed.py [--network anm6_easy] [--steps 200000] [--copies 16]
"""

import argparse
import time

import numpy as np

import gridpilot


def single(network: str, steps: int) -> float:
    env = gridpilot.GridEnv(network)
    env.reset(seed=0)
    env.action_space.seed(0)
    actions = [env.action_space.sample() for _ in range(1000)]
    start = time.perf_counter()
    for k in range(steps):
        _, _, terminated, truncated, _ = env.step(actions[k % len(actions)])
        if terminated or truncated:
            env.reset()
    return steps / (time.perf_counter() - start)


def vector(network: str, steps: int, copies: int) -> float:
    env = gridpilot.GridVectorEnv(network, num_envs=copies)
    env.reset(seed=0)
    env.action_space.seed(0)
    actions = [env.action_space.sample() for _ in range(100)]
    calls = steps // copies
    start = time.perf_counter()
    for k in range(calls):
        env.step(actions[k % len(actions)])
    return calls * copies / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--network", default="anm6_easy")
    parser.add_argument("--steps", type=int, default=200_000)
    parser.add_argument("--copies", type=int, default=16)
    args = parser.parse_args()
    print(f"{args.network}: one GridEnv {single(args.network, args.steps):,.0f} steps/s")
    rate = vector(args.network, args.steps, args.copies)
    print(f"{args.network}: GridVectorEnv of {args.copies} {rate:,.0f} steps/s")


if __name__ == "__main__":
    np.set_printoptions(precision=3)
    main()

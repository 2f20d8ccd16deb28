"""Trains SAC (Stable-Baselines3) on a GridPilot environment on one machine, saves the model,
and scores it with the gym-anm paper's protocol (one run of 2,000 steps, γ from the scenario).

    pip install ./python stable-baselines3
    python python/examples/sb3_sac.py [--network anm6_easy] [--steps 100000] [--out sac-anm6]

Watch the trained model in the app: `gridpilot.serve_policy(SAC.load(...), normalized_actions=True)`
then Agent → Remote policy… (or `gridpilot run --agent remote:http://127.0.0.1:8765`).
"""

import argparse

import numpy as np
from gymnasium.wrappers import NormalizeObservation
from stable_baselines3 import SAC

import gridpilot
from gridpilot.evaluation import discounted_return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--network", default="anm6_easy")
    parser.add_argument("--steps", type=int, default=100_000, help="training steps")
    parser.add_argument("--episode-steps", type=int, default=288, help="steps per training episode")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="sac-gridpilot")
    args = parser.parse_args()

    # Actions in [-1, 1] and observations normalised by running statistics, as SAC wants them.
    env = NormalizeObservation(gridpilot.GridEnv(args.network, normalize_actions=True,
                                                 episode_steps=args.episode_steps))
    model = SAC("MlpPolicy", env, gamma=env.unwrapped.discount, seed=args.seed, verbose=0)
    model.learn(total_timesteps=args.steps, progress_bar=False)
    model.save(args.out)

    env.update_running_mean = False
    evaluation = NormalizeObservation(gridpilot.GridEnv(args.network, normalize_actions=True))
    evaluation.obs_rms = env.obs_rms
    evaluation.update_running_mean = False
    act = lambda obs: model.predict(obs, deterministic=True)[0]
    for seed in (0, 1, 2):
        score = discounted_return(evaluation, act, steps=2000, seed=seed)
        print(f"{args.network}: SAC after {args.steps} steps, seed {seed}: discounted return {score:.3f}")
    idle = gridpilot.GridEnv(args.network)
    nothing = discounted_return(idle, lambda obs: idle.do_nothing, steps=2000, seed=0)
    print(f"{args.network}: doing nothing, seed 0: discounted return {nothing:.3f}")


if __name__ == "__main__":
    np.set_printoptions(precision=3)
    main()

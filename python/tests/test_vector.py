"""GridVectorEnv: copies stepped in Rust that match single environments, with next-step
autoreset."""

import numpy as np

import gridpilot


def test_each_copy_runs_as_a_single_environment_with_its_seed():
    vec = gridpilot.GridVectorEnv("anm6_easy", num_envs=3)
    obs, _ = vec.reset(seed=10)
    single = gridpilot.GridEnv("anm6_easy")
    first, _ = single.reset(seed=11)
    assert (obs[1] == first).all()
    rng = np.random.default_rng(0)
    for _ in range(20):
        actions = rng.uniform(vec.single_action_space.low, vec.single_action_space.high, (3, 6))
        obs, rewards, terminated, truncated, _ = vec.step(actions)
        o, r, te, tr, _ = single.step(actions[1])
        assert (obs[1] == o).all() and rewards[1] == r
        assert (terminated[1], truncated[1]) == (te, tr)


def test_an_ended_episode_is_reset_by_the_next_step():
    vec = gridpilot.GridVectorEnv("anm6_easy", num_envs=2, episode_steps=3)
    start, _ = vec.reset(seed=0)
    action = np.tile(gridpilot.GridEnv("anm6_easy").do_nothing, (2, 1))
    truncated = [vec.step(action)[3] for _ in range(3)]
    assert [list(t) for t in truncated] == [[False, False], [False, False], [True, True]]
    obs, rewards, terminated, truncated, _ = vec.step(action)
    # Reset with the copies' next seeds (0 + 2, 1 + 2): the scenario's start again.
    assert (obs == start).all() and (rewards == 0).all()
    assert not terminated.any() and not truncated.any()

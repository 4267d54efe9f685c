"""What every benchmark times with: the best of several runs."""

import time


def best_of(repeat: int, fn) -> float:
    """The fastest of `repeat` runs of `fn`, in seconds (the least disturbed by a noisy machine)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)

"""Benchmarks for `make bench`: each figure beside a baseline measured in the same run.

A benchmark module is `bench/bench_<topic>.py` with a `run(context)` function that returns
a list of `Figure`s. `python -m bench` sets up throw-away databases, runs every module,
prints one table and writes bench/results.json.
"""

import os
import platform
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field


def machine() -> str:
    return f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"


@dataclass
class Figure:
    name: str
    value: float | None
    unit: str
    baseline: str = ""
    baseline_value: float | None = None
    target: str = ""
    note: str = ""
    machine: str = field(default_factory=machine)

    def as_dict(self) -> dict:
        return asdict(self)


@contextmanager
def stopwatch():
    """Yields a dict whose "seconds" is filled in when the block ends."""
    result = {}
    start = time.perf_counter()
    try:
        yield result
    finally:
        result["seconds"] = time.perf_counter() - start

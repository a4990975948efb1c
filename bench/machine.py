"""What the figures were measured on: cores, CPU model, memory and Python."""

import os
import platform
from pathlib import Path

CPUINFO = Path("/proc/cpuinfo")
MEMINFO = Path("/proc/meminfo")


def cpu_model() -> str:
    """The first «model name» in /proc/cpuinfo, else what the platform reports."""
    if CPUINFO.exists():
        for line in CPUINFO.read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def memory_gb() -> float | None:
    if not MEMINFO.exists():
        return None
    for line in MEMINFO.read_text(encoding="utf-8").splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 1024**2, 1)
    return None


def describe_machine() -> dict:
    # The cores this process may run on, as `nproc` counts them: read here rather than
    # spawned, since a child process would spoil the cold start's memory figure.
    if hasattr(os, "sched_getaffinity"):
        cores = len(os.sched_getaffinity(0))
    else:
        cores = os.cpu_count()
    return {
        "nproc": cores,
        "cpu_model": cpu_model(),
        "ram_gb": memory_gb(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        # Other work on a shared machine slows every figure; this says how busy it was.
        "load_average_1min": round(os.getloadavg()[0], 2),
    }

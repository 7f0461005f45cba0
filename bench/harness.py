#!/usr/bin/env python3
"""Measurements for bench/run.sh: wall times of commands, peak RSS, and a direct protocol driver.

Every figure is a median of repeated runs; baselines are measured in the same invocation, side by side.
"""
import datetime, json, os, resource, shlex, statistics, subprocess, sys, time

COOKIE = {"TALKING_BINARIES_PLUGIN": "9c1e6f2a-talking-binaries"}


def wall(command, runs, cwd=None):
    """Median wall time of a command in ms, and the largest peak RSS (KiB) of it or a process it waited for."""
    times, rss = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append((time.perf_counter() - start) * 1000)
        if done.returncode != 0:
            sys.exit(f"{command} exited with {done.returncode}")
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return statistics.median(times), rss


def paired(runs, first, second, env=None):
    """Median wall and CPU times (ms) of two commands, each a (cwd, argv) pair, run in alternation with empty stdin.

    One run of each per round, the order swapped every round, after one untimed run of each: both see the same
    load and the same warm caches, so their ratio holds on a machine whose absolute times drift."""
    def once(cwd, command):
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        # wait4's usage counts the process and every descendant it waited for: a run's plugins and their commands.
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = (time.perf_counter() - start) * 1000
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"{command} (in {cwd or '.'}) exited with {os.waitstatus_to_exitcode(status)}")
        return elapsed, (usage.ru_utime + usage.ru_stime) * 1000

    once(*first), once(*second)
    times, cpu = ([], []), ([], [])
    for round in range(runs):
        order = (0, 1) if round % 2 == 0 else (1, 0)
        for which in order:
            elapsed, used = once(*(first, second)[which])
            times[which].append(elapsed)
            cpu[which].append(used)
    return tuple(statistics.median(t) for t in times + cpu)


def peak_rss(command, cwd=None):
    """Peak RSS (KiB) of one run of a command, read from /usr/bin/time."""
    done = subprocess.run(["/usr/bin/time", "-f", "%M"] + command, cwd=cwd, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit(f"{command} exited with {done.returncode}: {done.stderr[-500:]}")
    return int(done.stderr.strip().splitlines()[-1])


def direct(plugin, steps):
    """Median round trip (ms) of step/run sent straight to a warm plugin, with no host in between."""
    process = subprocess.Popen([plugin], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               env={**os.environ, **COOKIE}, text=True, bufsize=1)

    def ask(message):
        process.stdin.write(json.dumps(message, separators=(",", ":")) + "\n")
        process.stdin.flush()
        while True:
            line = json.loads(process.stdout.readline())
            if line.get("id") == message["id"]:
                return line

    ask({"jsonrpc": "2.0", "id": 0, "method": "initialize",
         "params": {"protocolVersions": [1], "host": {"name": "bench", "version": "1"}}})
    times = []
    for i in range(1, steps + 1):
        start = time.perf_counter()
        ask({"jsonrpc": "2.0", "id": i, "method": "step/run",
             "params": {"runId": "r", "stepId": f"s{i}", "step": f"s{i}", "config": {"say": f"step {i}"}}})
        times.append((time.perf_counter() - start) * 1000)
    process.stdin.close()
    process.wait()
    return statistics.median(times)


if __name__ == "__main__":
    verb = sys.argv[1]
    if verb == "wall":
        runs, cwd, command = int(sys.argv[2]), sys.argv[3], sys.argv[4:]
        median, _ = wall(command, runs, cwd if cwd != "-" else None)
        print(f"{median:.3f}")
    elif verb == "pair":
        # pair RUNS [--plugin] CWD1 'COMMAND 1' CWD2 'COMMAND 2': on one line, the medians of the wall times of the
        # first and the second, then of their CPU times (user and system, children included). --plugin sets the cookie
        # a plugin of this project wants, so that it starts as under tb instead of refusing at once.
        runs, rest = int(sys.argv[2]), sys.argv[3:]
        env = None
        if rest[0] == "--plugin":
            env, rest = {**os.environ, **COOKIE}, rest[1:]
        commands = [(cwd if cwd != "-" else None, shlex.split(command)) for cwd, command in (rest[0:2], rest[2:4])]
        print(" ".join(f"{value:.3f}" for value in paired(runs, *commands, env=env)))
    elif verb == "rss":
        print(peak_rss(sys.argv[3:], sys.argv[2] if sys.argv[2] != "-" else None))
    elif verb == "direct":
        print(f"{direct(sys.argv[2], int(sys.argv[3])):.4f}")
    elif verb == "report":
        report = json.load(open(sys.argv[2]))
        field = sys.argv[3]
        if field == "rate":
            print(f"{len(report['steps']) / (report['durationMs'] / 1000):.0f}")
        elif field == "warm-rate":
            # The steps after the first, from the first one's end to the last one's: the first step also waits for
            # the plugin's start-up and handshake, and the plugin's shutdown comes after the last.
            ends = sorted(datetime.datetime.fromisoformat(s["finishedAt"]) for s in report["steps"])
            print(f"{(len(ends) - 1) / (ends[-1] - ends[0]).total_seconds():.0f}")
        elif field == "step-median":
            print(f"{statistics.median(s['stepTimeMs'] for s in report['steps']):.4f}")
        elif field == "duration":
            print(f"{report['durationMs']:.1f}")
        elif field == "statuses":
            # How many steps ended each way, e.g. "up-to-date=1000": a figure checks its runs did what it measures.
            counts = {}
            for step in report["steps"]:
                counts[step["status"]] = counts.get(step["status"], 0) + 1
            print(" ".join(f"{status}={count}" for status, count in sorted(counts.items())))

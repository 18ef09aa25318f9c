"""``python -m iokg.bench.build``: how long `iokg build` takes against pyoxigraph's own bulk load.

Generates the benchmark's synthetic data (`iokg.bench.generate`), builds it with the real
`iokg.build.build`, SHACL shapes on, and prints the seconds of each phase; then bulk-loads the
build's own exported N-Quads (``dumps/iokg.nq``) into a fresh on-disk pyoxigraph store (the
best of ``--loads`` runs) and prints the ratio of the two, in wall-clock time and in CPU time (the
build's own and its dumps process's: steadier than wall-clock time on a shared machine). The target is a build within 3× of that
load (docs/performance.md, "Build time"). Everything runs in a temporary folder (``--workdir``
to choose one, ``--keep`` to keep it).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from iokg.bench import work_folder
from iokg.bench.generate import DEFAULT_SCALE, generate
from iokg.build import build
from iokg.export.dumps import dumps_folder


def cpu_seconds() -> float:
    """CPU time (user + system) of this process, all its threads, and its waited-for children."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def bulk_load_seconds(nquads: Path, folder: Path) -> tuple[float, float]:
    """Wall and CPU seconds to bulk-load ``nquads`` into a fresh store in ``folder`` and flush it."""
    start, cpu = time.perf_counter(), cpu_seconds()
    store = ox.Store(str(folder))
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    store.flush()
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    del store
    shutil.rmtree(folder, ignore_errors=True)
    return seconds, cpu


def measure(workdir: Path, *, scale: float, seed: int, loads: int, say=print) -> dict:
    """Generate, build (shapes on), bulk-load the build's N-Quads; the figures as a dict."""
    t0 = time.perf_counter()
    g = generate(workdir / "data", scale=scale, seed=seed)
    say(f"generated scale {scale:g} seed {seed} in {time.perf_counter() - t0:.1f} s: "
        + ", ".join(f"{v} {k}" for k, v in g.counts.items()) + f", {g.files} files")
    cpu = cpu_seconds()
    report = build(g.data_dir, workdir / "store", workdir / "store.trig", shacl=True)
    build_cpu = cpu_seconds() - cpu
    say(f"iokg build (SHACL on): {report.seconds:.2f} s for {report.summary()}")
    width = max(len(k) for k in report.phases)
    say(f"  {'phase':<{width}}     wall          CPU (this process)")
    for name, seconds in report.phases.items():
        say(f"  {name:<{width}}  {seconds:7.2f} s  {100 * seconds / report.seconds:5.1f} %"
            f"  {report.phases_cpu.get(name, 0.0):7.2f} s")
    for name, (seconds, cpu) in report.background.items():
        say(f"  beside them: {name}  {seconds:.2f} s" + (f", CPU {cpu:.2f} s" if cpu is not None else ""))
    nquads = dumps_folder((workdir / "store").resolve()) / "iokg.nq"
    runs = [bulk_load_seconds(nquads, workdir / f"load-{i}") for i in range(loads)]
    best, best_cpu = min(r[0] for r in runs), min(r[1] for r in runs)
    say(f"bulk_load of the build's N-Quads ({nquads.stat().st_size / 1e6:.1f} MB, {report.triples} triples) "
        f"into a fresh store: best {best:.2f} s of {', '.join(f'{r[0]:.2f}' for r in runs)} "
        f"(CPU best {best_cpu:.2f} s)")
    ratio = report.seconds / best
    say(f"build / bulk_load = {report.seconds:.2f} / {best:.2f} = {ratio:.2f}× wall-clock (target ≤ 3×); "
        f"CPU time {build_cpu:.2f} / {best_cpu:.2f} = {build_cpu / best_cpu:.2f}×; "
        f"load average {os.getloadavg()[0]:.1f}")
    return {"build": report.seconds, "bulk_load": best, "ratio": ratio, "phases": report.phases,
            "phases_cpu": report.phases_cpu, "background": report.background,
            "triples": report.triples, "build_cpu": build_cpu, "bulk_load_cpu": best_cpu}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m iokg.bench.build", description=__doc__.split("\n\n")[0])
    p.add_argument("--scale", type=float, default=DEFAULT_SCALE,
                   help=f"size of the synthetic graph (default {DEFAULT_SCALE})")
    p.add_argument("--seed", type=int, default=1, help="seed of the generator (default 1)")
    p.add_argument("--loads", type=int, default=3, help="bulk loads to time, the best counts (default 3)")
    p.add_argument("--workdir", type=Path, default=None, help="folder for data and stores (default: a temp dir)")
    p.add_argument("--keep", action="store_true", help="keep the work folder")
    args = p.parse_args(argv)
    with work_folder(args.workdir, keep=args.keep, prefix="iokg-bench-build-") as workdir:
        print(f"pyoxigraph {ox.__version__}; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
        measure(workdir, scale=args.scale, seed=args.seed, loads=max(1, args.loads))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""python -m bench [--only NAME]: run the benchmarks and write bench/results.json.

Every module runs on a throw-away SQLite database in this process, then again on a
throw-away PostgreSQL database in a child process when a server answers on
127.0.0.1:5432 (its figures are reported as skipped otherwise).
"""

import argparse
import importlib
import json
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
POSTGRES = "postgres://postgres@127.0.0.1:5432"


def postgres_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=2).close()
    except OSError:
        return False
    return True


def modules(only):
    names = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if only:
        names = [n for n in names if n == f"bench_{only}"]
    return names


def run_modules(engine, database_url, only):
    """Set Django up on `database_url`, migrate, and run every module; returns figures."""
    os.environ.update(
        {
            "SKIP_DOTENV": "true",
            "DEBUG": "false",
            "SECRET_KEY": "benchmark-only-secret-key",
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "config.settings_test",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    figures = []
    for name in modules(only):
        module = importlib.import_module(f"bench.{name}")
        print(f"running {name} on {engine} ...", flush=True)
        figures += module.run({"engine": engine})
    return figures


def run_postgres(only):
    """The same modules in a child process on a fresh PostgreSQL database."""
    import psycopg

    name = f"digihelp_bench_{os.getpid()}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            command = [sys.executable, "-m", "bench", "--engine", "postgres", "--out", out.name]
            if only:
                command += ["--only", only]
            env = {**os.environ, "BENCH_DATABASE_URL": f"{POSTGRES}/{name}"}
            subprocess.run(command, cwd=ROOT, env=env, check=True)
            return json.loads(Path(out.name).read_text())
    finally:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def print_table(figures):
    header = f"{'figure':<34} {'value':>9} {'unit':<4} {'baseline':>9}  {'target':<8} baseline is"
    print()
    print(header)
    print("-" * len(header))
    for f in figures:
        value = "skipped" if f["value"] is None else f"{f['value']:.3g}"
        base = "" if f["baseline_value"] is None else f"{f['baseline_value']:.3g}"
        print(
            f"{f['name']:<34} {value:>9} {f['unit']:<4} {base:>9}  {f['target']:<8} "
            f"{f['baseline']}"
        )
        if f["note"]:
            print(f"{'':<34} {f['note']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", help="run only bench/bench_NAME.py")
    parser.add_argument("--engine", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    arguments = parser.parse_args()

    if arguments.engine == "postgres":  # the child process of run_postgres
        figures = run_modules("postgres", os.environ["BENCH_DATABASE_URL"], arguments.only)
        Path(arguments.out).write_text(json.dumps([f.as_dict() for f in figures]))
        return 0

    workdir = Path(tempfile.mkdtemp(prefix="digihelp-bench-"))
    figures = [
        f.as_dict()
        for f in run_modules("sqlite", f"sqlite:///{workdir / 'bench.sqlite3'}", arguments.only)
    ]
    if postgres_answers():
        figures += run_postgres(arguments.only)
    else:
        from bench import Figure

        for name in modules(arguments.only):
            module = importlib.import_module(f"bench.{name}")
            for figure_name in getattr(module, "POSTGRES_FIGURES", []):
                figures.append(
                    Figure(
                        figure_name, None, "s", note="skipped: no PostgreSQL on 127.0.0.1:5432"
                    ).as_dict()
                )

    print_table(figures)
    results = HERE / "results.json"
    if arguments.only and results.exists():
        # A partial run updates its own figures and keeps the others.
        fresh = {f["name"] for f in figures}
        kept = json.loads(results.read_text(encoding="utf-8"))["figures"]
        figures = [f for f in kept if f["name"] not in fresh] + figures
    results.write_text(
        json.dumps({"figures": figures}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(f"\nwrote {results.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""python -m bench [--only NAME]: run the benchmarks and write bench/results.json."""

import argparse
import importlib
import json
import os
import socket
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def postgres_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=2).close()
    except OSError:
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", help="run only bench/bench_NAME.py")
    arguments = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="digihelp-bench-"))
    os.environ.update(
        {
            "SKIP_DOTENV": "true",
            "DEBUG": "false",
            "SECRET_KEY": "benchmark-only-secret-key",
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "config.test_settings",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    context = {
        "workdir": workdir,
        "postgres_url": (
            "postgres://postgres@127.0.0.1:5432/postgres" if postgres_answers() else None
        ),
    }
    names = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if arguments.only:
        names = [n for n in names if n == f"bench_{arguments.only}"]
    figures = []
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        print(f"running {name} ...", flush=True)
        figures += module.run(context)

    print()
    header = f"{'figure':<34} {'value':>10} {'unit':<6} {'baseline':>10}  target   baseline is"
    print(header)
    print("-" * len(header))
    for f in figures:
        value = "skipped" if f.value is None else f"{f.value:.3g}"
        base = "" if f.baseline_value is None else f"{f.baseline_value:.3g}"
        print(f"{f.name:<34} {value:>10} {f.unit:<6} {base:>10}  {f.target:<8} {f.baseline}")
        if f.note:
            print(f"{'':<34} {f.note}")
    results = HERE / "results.json"
    results.write_text(
        json.dumps({"figures": [f.as_dict() for f in figures]}, ensure_ascii=False, indent=2)
        + "\n",
        encoding="utf-8",
    )
    print(f"\nwrote {results.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

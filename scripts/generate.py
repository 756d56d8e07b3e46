"""Regenerate generated/amperity_api from openapi.yaml, or check that it is in sync.

The pipeline is: prepare_spec (neutralise vendor traps) -> openapi-python-client (pinned
in pyproject.toml, configured by openapi-python-client.yaml, with scripts/templates/ overriding
the endpoint module so each operation exposes public `build_request` and `parse_response`,
the facade's only seam with the generated package) -> ruff in isolated mode
(so formatting never depends on the caller's configuration) -> a "do not edit" header on
every file. Everything happens in a temporary folder; `generated/` is replaced only at
the end, so a failed run never leaves it half-written.

Usage:
  python -m scripts.generate            write generated/amperity_api
  python -m scripts.generate --check    regenerate elsewhere; exit 1 naming differing files
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import prepare_spec, specio

PACKAGE = "amperity_api"
TARGET = specio.REPO / "generated" / PACKAGE
CONFIG = specio.REPO / "openapi-python-client.yaml"
TEMPLATES = specio.REPO / "scripts" / "templates"
HEADER = "generated from openapi.yaml, do not edit; run make generate"


def _run(*args: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", *args], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args[:2])} failed:\n{proc.stdout}{proc.stderr}")


def build(spec: Path, workdir: Path) -> Path:
    """Generate the package from `spec` inside `workdir` and return its folder."""
    prepared = workdir / "prepared.yaml"
    specio.save(prepare_spec.prepare(specio.load(spec)), prepared)
    out = workdir / PACKAGE
    _run(
        "openapi_python_client",
        "generate",
        "--path",
        str(prepared),
        "--config",
        str(CONFIG),
        "--custom-template-path",
        str(TEMPLATES),
        "--meta",
        "none",
        "--output-path",
        str(out),
    )
    (out / "py.typed").write_text("")
    # Paths, not cwd: the package's own types.py would shadow the stdlib module.
    _run("ruff", "check", "--isolated", "--quiet", "--fix-only", "--select", "F401,I", str(out))
    _run("ruff", "format", "--isolated", "--quiet", str(out))
    for path in sorted(out.rglob("*")):
        if path.is_file():
            body = path.read_text(encoding="utf-8")
            path.write_text(f"# {HEADER}\n{body}", encoding="utf-8")
    return out


def differences(a: Path, b: Path) -> list[str]:
    """Relative paths of files that differ between two trees, or exist in only one."""
    files_a = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    changed = [
        rel for rel in sorted(files_a & files_b) if not filecmp.cmp(a / rel, b / rel, shallow=False)
    ]
    return sorted(set(changed) | (files_a ^ files_b))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when generated/ is stale")
    parser.add_argument("--spec", type=Path, default=specio.SPEC)
    parser.add_argument("--target", type=Path, default=TARGET)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="amperity-gen-") as tmp:
        fresh = build(args.spec, Path(tmp))
        if args.check:
            if not args.target.is_dir():
                print(f"{args.target} is missing; run make generate", file=sys.stderr)
                return 1
            diff = differences(fresh, args.target)
            pycache = [d for d in diff if "__pycache__" not in d]
            if pycache:
                print(
                    "generated/ is out of sync with openapi.yaml; run make generate.",
                    file=sys.stderr,
                )
                for rel in pycache:
                    print(f"  differs: generated/{PACKAGE}/{rel}", file=sys.stderr)
                return 1
            print("generated/ is in sync with openapi.yaml")
            return 0
        if args.target.exists():
            shutil.rmtree(args.target)
        args.target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(fresh, args.target)
    print(
        f"wrote {args.target.relative_to(specio.REPO) if args.target.is_relative_to(specio.REPO) else args.target}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

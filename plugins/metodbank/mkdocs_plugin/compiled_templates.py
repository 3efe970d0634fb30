"""The theme's templates compiled once, not in every build.

The engine makes a new Jinja environment per build and compiled material's
templates in each: 0.4-0.6 s of a one-file rebuild at 5,000 projects, and
of every save in ``make serve``. Jinja's own bytecode cache keeps the code,
but checks it only against the template's source and the Python version.
The code depends on more: Jinja's code generator, and the environment's
filters and tests (whether a filter takes the context is compiled in). So
their versions and how each filter is called are part of the check here.

A cache must never fail the build: a folder that is gone or not writable
means compiling as before.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import FileSystemBytecodeCache

from .digest import distribution_versions

FOLDER = "mallkod"  # in the build's cache folder


class CompiledTemplates(FileSystemBytecodeCache):
    def __init__(self, folder: Path, env):
        super().__init__(str(folder))
        self._env = env
        self._context: str | None = None

    def get_source_checksum(self, source: str) -> str:
        if self._context is None:  # at the first template: other plugins' on_env have added theirs
            env = self._env
            calls = [f"{kind}:{name}:{getattr(func, 'jinja_pass_arg', None)!r}"
                     for kind, functions in (("filter", env.filters), ("test", env.tests))
                     for name, func in sorted(functions.items())]
            self._context = "\0".join([*distribution_versions(), *calls])
        return super().get_source_checksum(f"{self._context}\0{source}")

    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - unreadable or truncated: compiled afresh
            bucket.reset()

    def dump_bytecode(self, bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def install(env, cache_dir: Path) -> None:
    """Give ``env`` the cache under ``cache_dir`` (none if it cannot be made)."""
    folder = Path(cache_dir) / FOLDER
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return
    env.bytecode_cache = CompiledTemplates(folder, env)

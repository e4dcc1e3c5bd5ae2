import os
import subprocess
import sys

from cs360 import db


def test_stale_pid_file_from_a_dead_server_is_removed(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    pid_file = tmp_path / "postmaster.pid"
    pid_file.write_text(f"{dead.pid}\n{tmp_path}\n")
    db._remove_stale_pid_file(tmp_path)
    assert not pid_file.exists()


def test_pid_file_naming_a_reused_non_postgres_pid_is_removed(tmp_path):
    pid_file = tmp_path / "postmaster.pid"
    pid_file.write_text(f"{os.getpid()}\n")  # This pytest process is alive but not postgres.
    db._remove_stale_pid_file(tmp_path)
    assert not pid_file.exists()


def test_garbled_pid_file_is_removed(tmp_path):
    pid_file = tmp_path / "postmaster.pid"
    pid_file.write_text("not a pid")
    db._remove_stale_pid_file(tmp_path)
    assert not pid_file.exists()

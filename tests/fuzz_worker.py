"""The child process of the fuzz test: runs ``stormwatch ARGS`` in-process for each JSON line
on stdin and answers with the exit code, the output and its peak RSS so far, so the fuzz test
pays for one interpreter and one polars import, not one per example."""

from __future__ import annotations

import json
import resource
import sys

from typer.testing import CliRunner

from stormwatch.cli.app import app


def main() -> None:
    runner = CliRunner()
    for line in sys.stdin:
        result = runner.invoke(app, json.loads(line))
        answer = {
            "code": result.exit_code,
            "stdout": result.stdout,
            "stderr": result.stderr,
            "exception": None
            if result.exception is None or isinstance(result.exception, SystemExit)
            else repr(result.exception),
            "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        }
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()

"""Coverage report for the harm-reduction resource directory (data/resources/directory.yml).

python -m ops.resources_report      # Markdown report on stdout; exit 1 (listing the problems) if validate() fails
"""

from __future__ import annotations

import sys

from actions.directory import directory
from ops.directory_checks import coverage_report, validate


def main() -> int:
    problems = validate(directory())
    try:
        print(coverage_report())
    except Exception as error:  # a broken file should still list its problems
        print(f"(coverage report failed: {error!r})")
    if problems:
        print(f"## Problems ({len(problems)})\n")
        for problem in problems:
            print(f"- {problem}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

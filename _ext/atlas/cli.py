"""The ``atlas`` command: ``atlas new KIND ID`` scaffolds an entry (see :mod:`atlas.scaffold`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .model import DIAGRAM_KINDS
from .scaffold import SCAFFOLDS, Request, ScaffoldError, scaffold

EXAMPLES = """examples:
  atlas new incident INC-ACME-2025-03-04 --title "Acme, 4 March 2025: …"
  atlas new playbook PBK-KAFKA-REBALANCE --title "Kafka consumer-group rebalance storm"
  atlas new full-system SYS-ACME --title "Acme"
  atlas new diagram DGM-ACME-QUEUES --kind storage --system SYS-ACME
  atlas new source SRC-ACME-BLOG-2025 --into source/systems/acme/sources.md
"""


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="atlas", description="Atlas authoring tools.")
    commands = main.add_subparsers(dest="command", required=True)
    new = commands.add_parser(
        "new",
        help="scaffold a new entry from its template",
        description="Write a new entry with a <FILL: …> placeholder for everything you must "
        "write, and add its page to the right table of contents. `make check` fails until "
        "every placeholder is filled.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    new.add_argument(
        "kind",
        choices=SCAFFOLDS,
        help="what to write (full-system: a system folder with its eight mandatory diagram "
        "pages and a sources page)",
    )
    new.add_argument("id", help="the new entry's id, e.g. INC-ACME-2025-03-04")
    new.add_argument("--title", default="", help="the title (else a placeholder)")
    new.add_argument("--system", help="the SYS-… id the entry belongs to")
    new.add_argument("--into", type=Path, help="append to this existing page instead "
                     "(source, metric, diagram)")  # fmt: skip
    new.add_argument("--kind", dest="diagram_kind", choices=DIAGRAM_KINDS, metavar="DIAGRAM_KIND",
                     help="a diagram's kind: " + ", ".join(DIAGRAM_KINDS))  # fmt: skip
    new.add_argument("--root", type=Path, default=Path.cwd(), help="the project (default: here)")
    return main


def run_new(args: argparse.Namespace) -> int:
    request = Request(args.kind, args.id, args.title, args.system, args.into, args.diagram_kind)
    try:
        result = scaffold(args.root, request)
    except ScaffoldError as error:
        print(f"atlas new: {error}", file=sys.stderr)
        return 2
    for path in result.written:
        print(f"wrote   {path}")
    for path in result.updated:
        print(f"updated {path}")
    print(f"entries: {', '.join(result.ids)}")
    print(f"next: replace the {result.placeholders} <FILL: …> marks, preview with `make serve`,"
          " then run `make check` (it names every mark still left).")  # fmt: skip
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return run_new(args)


if __name__ == "__main__":
    raise SystemExit(main())

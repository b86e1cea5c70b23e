"""``python -m cli.join [PORT]``: sit down at someone's table, chat and play.

A thin client: typed lines go to the host as ``say`` frames, ``show`` frames from the host are
displayed. All the logic lives in :mod:`cli.joining`, imported only after the arguments are
parsed so that ``--help`` never imports asyncio.
"""

from __future__ import annotations

from cli.args import JoinOptions, parse_join, program_name

PROG_MODULE = "cli.join"


def main(argv: list[str] | None = None) -> int:
    """Run the join program; returns the exit status.

    Args:
        argv: the arguments after the program name (default ``sys.argv[1:]``).
    """
    # The name it was invoked as: tablechat-join as a console script, or python -m cli.join.
    prog = program_name(PROG_MODULE, argv)
    options = parse_join(argv, prog)
    from cli.app import run  # noqa: PLC0415 (lazy: keeps --help cheap)

    return run(prog, _join(options))


async def _join(options: JoinOptions) -> int:
    from cli.joining import Guest  # noqa: PLC0415 (lazy: keeps --help cheap)

    return await Guest(options).run()


if __name__ == "__main__":
    raise SystemExit(main())

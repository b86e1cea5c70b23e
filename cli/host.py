"""``python -m cli.host [PORT]``: open a table, chat and play with whoever joins.

The host owns the :class:`game.table.Table`. Lines typed here and ``say`` frames from the guest
go into the table; what the table decides (its deliveries) goes to the local console or, as
``show`` frames, to the guest. No game rule lives here and no byte is handled here.

The guest's seat outlives one connection: :class:`game.seat_keeper.SeatKeeper` attaches a
resuming connection to the same seat (token, last applied ``say.seq``, the shows it missed)
instead of freeing it when a connection is lost.
"""

from __future__ import annotations

from cli.args import HostOptions, parse_host, program_name

PROG_MODULE = "cli.host"


def main(argv: list[str] | None = None) -> int:
    """Run the host program; returns the exit status.

    Args:
        argv: the arguments after the program name (default ``sys.argv[1:]``).
    """
    # The name it was invoked as: tablechat-host as a console script, or python -m cli.host.
    prog = program_name(PROG_MODULE, argv)
    options = parse_host(argv, prog)
    # Heavy imports only now: --help and bad arguments never pay for asyncio, game or net.
    from cli.app import run  # noqa: PLC0415

    return run(prog, _serve(options))


async def _serve(options: HostOptions) -> int:
    if options.lobby:
        from cli.lobby_hosting import LobbyServer  # noqa: PLC0415 (lazy, as Host)

        return await LobbyServer(options).run()
    from cli.hosting import Host  # noqa: PLC0415 (lazy: keeps start-up cheap)

    host = Host(options)
    return await host.run()


if __name__ == "__main__":
    raise SystemExit(main())

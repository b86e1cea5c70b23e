"""The tablechat wire layer: framing, messages, sans-IO protocol objects and thin asyncio
adapters. It knows no games, tables, seats by name or terminals.

The public API, all of it, by the module that holds it (imported from there: a join loads only
what a join needs, and its start-up is measured):

* :mod:`net.connection` — the join's side: ``connect``, ``Connection``, ``ConnectionClosed``,
  ``HandshakeError``, ``Refused``, ``Limits``, ``CONNECTION_LOST``;
* :mod:`net.serving` — the host's side: ``serve``, ``PendingConnection``, ``PendingText``,
  ``TextConnection``, ``TextService``, ``CROWDED``;
* :mod:`net.messages` — the messages (``Hello``, ``Welcome``, ``Refuse``, ``Say``, ``Show``,
  ``Bye``, ``Error``, ``Ping``, ``Pong``), their limits and ``validate_name``;
* :mod:`net.codec` — ``encode`` and the sans-IO ``Decoder`` of frames;
* :mod:`net.host_protocol`, :mod:`net.join_protocol`, :mod:`net.text_protocol` — the sans-IO
  protocol objects, with their events in :mod:`net.protocol_events` and their one state machine
  in :mod:`net.protocol_state`;
* :mod:`net.errors` — ``ProtocolError``, ``RemoteProtocolError``, ``LocalProtocolError``;
* the mechanics of a resumable stream: :mod:`net.admission` (join codes, seat tokens kept
  hashed), :mod:`net.outbox` (numbered shows kept for catch-up), :mod:`net.join_keeper` (the
  join's ``say.seq`` and what it displayed);
* :mod:`net.broadcast` — one show encoded once for many connections.

Everything else in the package is how those work, not API.
"""

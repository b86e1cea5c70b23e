"""Pure game engines, bots and the table logic: no I/O, no clocks, injected randomness."""

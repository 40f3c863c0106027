"""Make the toolkit's costs visible: ``python -m bench`` (see :mod:`bench.__main__`).

:mod:`bench.apdus` counts round trips and bytes per operation next to the floor,
:mod:`bench.latency` times one APDU in process and through pcscd + vpcd,
:mod:`bench.throughput` counts simulator APDUs per second, :mod:`bench.startup` and
:mod:`bench.memory` time the command line's cold start and its peak memory,
:mod:`bench.floor` sets each command next to a minimal script doing the same APDUs (in the
checkout and installed from a wheel), and :mod:`bench.report` holds the targets and renders the
same result as a table and as JSON.

Further parts register in ``bench.__main__.PARTS`` (one line each: a name, a function taking the
settings and returning a :class:`bench.report.PartResult`, and whether it needs pcscd); their
sections, JSON (under ``parts``) and targets join the report.
"""

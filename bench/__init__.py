"""Make the toolkit's costs visible: ``python -m bench`` (see :mod:`bench.__main__`).

:mod:`bench.apdus` counts round trips and bytes per operation next to the floor,
:mod:`bench.latency` times one APDU in process and through pcscd + vpcd,
:mod:`bench.throughput` counts simulator APDUs per second, :mod:`bench.startup` and
:mod:`bench.memory` time the command line's cold start and its peak memory, and
:mod:`bench.report` holds the targets and renders the same result as a table and as JSON.
"""

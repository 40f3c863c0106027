"""The chip: the simulated My Number Card as a pure state machine, and ways to serve it.

Everything here imports the standard library, :mod:`apdu` and :mod:`sim.carddata` only: no
``jpki`` module and no cryptography at import time (a key is loaded, and the RSA library with
it, when a card holding that key is built). :mod:`sim.factory` makes the cards this package runs.

* :mod:`~sim.chip.card`: :class:`~sim.chip.card.SimulatedCard`, the command router.
* :mod:`~sim.chip.applets`: the five applications, their files, PINs and keys.
* :mod:`~sim.chip.faults`: reader, driver and card misbehaviours to inject.
* :mod:`~sim.chip.connection`: the in-process :class:`apdu.connection.Connection`.
* :mod:`~sim.chip.vpcd`: the server that hands any card model to pcscd through vpcd.
* :mod:`~sim.chip.echo`: a card answering ``9000`` to everything (transport baseline).
"""

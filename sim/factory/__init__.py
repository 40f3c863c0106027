"""The factory: what goes on a simulated card, and opening one by profile or card file.

* :mod:`~sim.factory.profiles`: named cards whose dates follow :mod:`jpki.rules`.
* :mod:`~sim.factory.pki`: the simulated CAs and the certificates they issue (the holder's
  attributes in :mod:`jpki.certificate`'s terms: eras, sex, holder OIDs).
* :mod:`~sim.factory.testkeys`: the published test keys.
* :mod:`~sim.factory.opening`: :func:`~sim.factory.opening.open_simulated_card`.

The factory may use ``jpki``'s pure rules and models and cryptography; the chip
(:mod:`sim.chip`) may not. Card files (:mod:`sim.store`) and the card description
(:mod:`sim.carddata`) sit between the two.
"""

"""The chip base and the card wrapper of :mod:`sim.chip.model`."""

from __future__ import annotations

from sim.chip.echo import NEW_JPKI_ATR, OLD_JPKI_ATR, EchoCard
from sim.chip.model import CardModel, CardWrapper


def test_a_chip_starts_unpowered_and_a_reset_leaves_it_powered() -> None:
    card = EchoCard(NEW_JPKI_ATR)
    assert card.atr == NEW_JPKI_ATR and not card.powered
    card.reset()
    assert card.powered
    card.power_off()
    assert not card.powered


def test_a_wrapper_passes_everything_to_the_card() -> None:
    card = EchoCard()
    wrapper = CardWrapper(card)
    assert isinstance(wrapper, CardModel)
    assert wrapper.card is card and wrapper.atr == OLD_JPKI_ATR
    assert wrapper.present and not wrapper.powered
    wrapper.power_on()
    assert card.powered and wrapper.powered
    assert wrapper.process(bytes.fromhex("00A4040C")) == bytes.fromhex("9000")
    assert card.commands == 1
    wrapper.power_off()
    assert not card.powered

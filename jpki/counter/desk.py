"""What the desk knows about each reader, and when it forgets.

The :class:`Desk` holds, for each reader, the card's facts (read without a PIN), the clerk's
inputs and the :class:`~jpki.diagnosis.Diagnosis` made from both. It is kept in memory only:
a card taken out, a clerk's "clear", or no activity for the idle time removes a resident's
data. Every change is announced to the listeners as a :class:`DeskEvent` that names a reader
but carries nothing about the resident.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum, unique

from apdu.pcsc import ReaderSnapshot
from jpki.diagnosis import CardFacts, Diagnosis, Municipality, diagnose
from jpki.texts import Msg

from .form import CounterInputs

__all__ = ["Desk", "DeskEvent", "EventKind", "ReaderView", "SlotState"]

logger = logging.getLogger("jpki.counter")


@unique
class SlotState(StrEnum):
    """Where a reader is in the counter's cycle."""

    EMPTY = "empty"
    """No card."""
    READING = "reading"
    """A card was put on; its facts are being read."""
    READY = "ready"
    """The report is there."""
    FAILED = "failed"
    """The card could not be read (:attr:`ReaderView.error` says why)."""
    CLEARED = "cleared"
    """The card is still there but its data were cleared (by the clerk or idle time)."""


@unique
class EventKind(StrEnum):
    """What happened, as the events stream names it."""

    READERS = "readers"
    CARD_IN = "card_in"
    CARD_OUT = "card_out"
    REPORT_READY = "report_ready"
    REPORT_CLEARED = "report_cleared"
    READ_FAILED = "read_failed"


@dataclass(frozen=True, slots=True)
class DeskEvent:
    """One change: its kind and the reader concerned (None for the reader list)."""

    kind: EventKind
    reader: str | None = None

    def to_json(self) -> dict[str, str | None]:
        """``{"event", "reader"}``: nothing about the resident."""
        return {"event": self.kind.value, "reader": self.reader}


@dataclass(frozen=True, slots=True)
class ReaderView:
    """One reader as the page and the API show it.

    :param id: the reader's identifier in URLs (``r0``, ``r1``, ... in order of appearance).
    :param name: the reader's name.
    :param state: where it is in the cycle.
    :param diagnosis: the report, when :attr:`state` is ready.
    :param inputs: the clerk's inputs for this card.
    :param error: why the card could not be read.
    """

    id: str
    name: str
    state: SlotState
    diagnosis: Diagnosis | None = None
    inputs: CounterInputs = CounterInputs()
    error: Msg | None = None

    @property
    def card_present(self) -> bool:
        """Whether a card is on the reader."""
        return self.state is not SlotState.EMPTY

    def to_json(self) -> dict[str, object]:
        """``{"id", "name", "card_present", "state", "severity"}`` (no resident data)."""
        return {
            "id": self.id,
            "name": self.name,
            "card_present": self.card_present,
            "state": self.state.value,
            "severity": None if self.diagnosis is None else self.diagnosis.severity.value,
        }


class _Slot:
    """The mutable record behind a :class:`ReaderView` (only the desk's lock guards it)."""

    def __init__(self, ident: str, name: str) -> None:
        self.id = ident
        self.name = name
        self.present = False
        self.events = -1
        self.generation = 0
        self.state = SlotState.EMPTY
        self.facts: CardFacts | None = None
        self.diagnosis: Diagnosis | None = None
        self.inputs = CounterInputs()
        self.error: Msg | None = None
        self.touched = 0.0

    def forget(self, state: SlotState) -> None:
        self.facts = None
        self.diagnosis = None
        self.inputs = CounterInputs()
        self.error = None
        self.state = state

    def view(self) -> ReaderView:
        return ReaderView(self.id, self.name, self.state, self.diagnosis, self.inputs, self.error)


Listener = Callable[[DeskEvent], None]


class Desk:
    """Every reader's state, in memory, with events for each change.

    :param municipality: where residents are sent.
    :param today: the day to judge (called at each diagnosis).
    :param idle_seconds: a report with no activity for this long is cleared.
    :param clock: seconds, monotonic (for the idle time).
    """

    def __init__(
        self,
        *,
        municipality: Municipality,
        today: Callable[[], date],
        idle_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.municipality = municipality
        self.today = today
        self.idle_seconds = idle_seconds
        self._clock = clock
        self._lock = threading.RLock()
        self._slots: dict[str, _Slot] = {}
        self._listeners: list[Listener] = []
        self._next_id = 0
        self._version = 0

    # --- listeners -------------------------------------------------------------------------

    def listen(self, listener: Listener) -> Callable[[], None]:
        """Call *listener* on every event (from any thread); returns the unsubscribe."""
        with self._lock:
            self._listeners.append(listener)

        def stop() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return stop

    @property
    def version(self) -> int:
        """How many events there have been: a page made at one version is current until the
        next event."""
        with self._lock:
            return self._version

    def _emit(self, events: Sequence[DeskEvent]) -> None:
        with self._lock:
            self._version += len(events)
            listeners = list(self._listeners)
        for event in events:
            for listener in listeners:
                listener(event)

    # --- views -----------------------------------------------------------------------------

    def readers(self) -> tuple[ReaderView, ...]:
        """Every reader, in order of appearance."""
        with self._lock:
            return tuple(slot.view() for slot in self._slots.values() if slot.events >= 0)

    def reader(self, ident: str) -> ReaderView:
        """The reader *ident*.

        :raises KeyError: no such reader.
        """
        with self._lock:
            return self._slots[ident].view()

    def _by_name(self, name: str) -> _Slot:
        for slot in self._slots.values():
            if slot.name == name:
                return slot
        slot = _Slot(f"r{self._next_id}", name)
        self._next_id += 1
        self._slots[slot.id] = slot
        return slot

    # --- reader changes --------------------------------------------------------------------

    def update(self, snapshots: Sequence[ReaderSnapshot]) -> list[tuple[str, int]]:
        """Take in the readers as the source reports them.

        :returns: the cards to read now, as (reader name, generation) pairs for
            :meth:`reading_done`.
        """
        events: list[DeskEvent] = []
        to_read: list[tuple[str, int]] = []
        with self._lock:
            names = {snap.info.name for snap in snapshots}
            gone = [slot for slot in self._slots.values() if slot.name not in names]
            for slot in gone:
                if slot.present:
                    events.append(DeskEvent(EventKind.CARD_OUT, slot.id))
                del self._slots[slot.id]
            appeared = bool(gone)
            for snap in snapshots:
                slot = self._by_name(snap.info.name)
                appeared = appeared or slot.events < 0
                swapped = slot.present and snap.info.card_present and snap.events != slot.events
                if slot.present and (not snap.info.card_present or swapped):
                    slot.present = False
                    slot.forget(SlotState.EMPTY)
                    events.append(DeskEvent(EventKind.CARD_OUT, slot.id))
                slot.events = snap.events
                if snap.info.card_present and not slot.present:
                    slot.present = True
                    slot.generation += 1
                    slot.forget(SlotState.READING)
                    slot.touched = self._clock()
                    events.append(DeskEvent(EventKind.CARD_IN, slot.id))
                    to_read.append((slot.name, slot.generation))
            if appeared:
                events.insert(0, DeskEvent(EventKind.READERS))
        self._emit(events)
        return to_read

    def reading_done(
        self, name: str, generation: int, facts: CardFacts | None, error: Msg | None = None
    ) -> None:
        """Record the facts read from the card (or why they could not be read).

        Ignored when the card was taken out (or swapped) since the reading began.
        """
        with self._lock:
            slot = next((s for s in self._slots.values() if s.name == name), None)
            if slot is None or slot.generation != generation or not slot.present:
                return
            if facts is None:
                slot.forget(SlotState.FAILED)
                slot.error = error
                event = DeskEvent(EventKind.READ_FAILED, slot.id)
            else:
                slot.facts = facts
                slot.diagnosis = self._diagnose(facts, slot.inputs)
                slot.state = SlotState.READY
                slot.touched = self._clock()
                event = DeskEvent(EventKind.REPORT_READY, slot.id)
        self._emit([event])

    def _diagnose(self, facts: CardFacts, inputs: CounterInputs) -> Diagnosis:
        return diagnose(
            facts,
            self.today(),
            circumstances=inputs.circumstances(),
            municipality=self.municipality,
        )

    def generation(self, ident: str) -> tuple[str, int]:
        """The reader's name and its card's generation, for reading the card again.

        :raises KeyError: no such reader.
        """
        with self._lock:
            slot = self._slots[ident]
            return slot.name, slot.generation

    def start_reading(self, ident: str) -> tuple[str, int] | None:
        """Mark the card in *ident* as being read again; None when there is no card.

        :raises KeyError: no such reader.
        """
        with self._lock:
            slot = self._slots[ident]
            if not slot.present:
                return None
            slot.generation += 1
            slot.forget(SlotState.READING)
            slot.touched = self._clock()
            return slot.name, slot.generation

    # --- the clerk -------------------------------------------------------------------------

    def apply_inputs(self, ident: str, inputs: CounterInputs) -> ReaderView:
        """Recompute the report of *ident* with the clerk's (already checked) inputs.

        :raises KeyError: no such reader.
        :raises LookupError: the reader has no report to recompute.
        """
        with self._lock:
            slot = self._slots[ident]
            if slot.facts is None:
                raise LookupError(ident)
            slot.diagnosis = self._diagnose(slot.facts, inputs)
            slot.inputs = inputs
            slot.touched = self._clock()
            view = slot.view()
        self._emit([DeskEvent(EventKind.REPORT_READY, ident)])
        return view

    def touch(self, ident: str) -> None:
        """Note activity on *ident* (the idle time starts again)."""
        with self._lock:
            slot = self._slots.get(ident)
            if slot is not None:
                slot.touched = self._clock()

    def clear(self, ident: str) -> None:
        """Forget the resident's data on *ident* now.

        :raises KeyError: no such reader.
        """
        with self._lock:
            slot = self._slots[ident]
            had = slot.state is not SlotState.EMPTY
            slot.forget(SlotState.CLEARED if slot.present else SlotState.EMPTY)
        if had:
            self._emit([DeskEvent(EventKind.REPORT_CLEARED, ident)])

    def expire_idle(self) -> list[str]:
        """Clear every report idle for longer than the idle time; the readers cleared."""
        now = self._clock()
        cleared: list[str] = []
        with self._lock:
            for slot in self._slots.values():
                has_data = slot.facts is not None or slot.state is SlotState.FAILED
                if has_data and now - slot.touched >= self.idle_seconds:
                    slot.forget(SlotState.CLEARED)
                    cleared.append(slot.id)
        if cleared:
            logger.info("cleared %d idle report(s)", len(cleared))
        self._emit([DeskEvent(EventKind.REPORT_CLEARED, ident) for ident in cleared])
        return cleared

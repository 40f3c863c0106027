"""What the desk keeps and when it forgets: card removal, swaps, idle time, recomputation."""

from __future__ import annotations

from datetime import date

from apdu.pcsc import ReaderInfo, ReaderSnapshot
from jpki.counter.desk import Desk, EventKind, SlotState
from jpki.counter.form import CounterInputs
from jpki.diagnosis import ChipKind, default_municipality, read_facts
from sim import open_simulated_card
from tests.counter.rig import TODAY, FakeClock, MakeRig, Rig, events_of


def _desk(clock: FakeClock, idle: float = 60.0) -> Desk:
    return Desk(
        municipality=default_municipality(), today=lambda: TODAY, idle_seconds=idle, clock=clock
    )


def _snap(name: str, present: bool, events: int) -> ReaderSnapshot:
    return ReaderSnapshot(ReaderInfo(name, present, b"\x3b" if present else None), events)


def _facts(profile: str = "blocked") -> object:
    with open_simulated_card(profile=profile) as card:
        return read_facts(card)


def test_taking_the_card_away_clears_the_page_and_the_api(rig: Rig) -> None:
    seen, stop = events_of(rig.desk)
    assert rig.client.get("/api/readers/r0/report").status_code == 200
    rig.post("/readers/r0/inputs", {"birth": "1978-12-01", "card_issued": "2022-12-01"})
    rig.post("/sim/card", {"present": "0"})
    reader = rig.wait_for(lambda r: r.state is SlotState.EMPTY)
    stop()
    assert reader.diagnosis is None and reader.inputs.empty
    assert rig.client.get("/api/readers/r0/report").status_code == 409
    page = rig.client.get("/").text
    assert "カードをリーダーに置いてください" in page and "verdict" not in page
    assert "1978-12-01" not in page
    assert [e.kind for e in seen if e.kind is EventKind.CARD_OUT] == [EventKind.CARD_OUT]


def test_putting_the_card_back_reads_it_again(rig: Rig) -> None:
    rig.post("/sim/card", {"present": "0"})
    rig.wait_for(lambda r: r.state is SlotState.EMPTY)
    rig.post("/sim/card", {"present": "1"})
    reader = rig.wait_for(lambda r: r.state is SlotState.READY)
    assert reader.diagnosis is not None and reader.diagnosis.severity.value == "action_needed"


def test_a_report_idle_for_the_idle_time_is_cleared(rig: Rig) -> None:
    rig.clock.now += rig.desk.idle_seconds - 1
    assert rig.desk.expire_idle() == []
    assert rig.reader().state is SlotState.READY
    rig.clock.now += 1
    assert rig.desk.expire_idle() == ["r0"]
    reader = rig.reader()
    assert reader.state is SlotState.CLEARED and reader.diagnosis is None
    assert rig.client.get("/api/readers/r0/report").status_code == 409
    assert "表示を消去しました" in rig.client.get("/").text


def test_activity_restarts_the_idle_time(rig: Rig) -> None:
    rig.clock.now += rig.desk.idle_seconds - 1
    assert rig.client.get("/readers/r0/handout").status_code == 200  # the clerk prints
    rig.clock.now += rig.desk.idle_seconds - 1
    assert rig.desk.expire_idle() == []
    rig.clock.now += 1
    assert rig.desk.expire_idle() == ["r0"]


def test_the_server_sweeps_idle_reports_by_itself(make_rig: MakeRig) -> None:
    rig = make_rig("blocked", idle_seconds=0.0, sweep_seconds=0.01)
    reader = rig.wait_for(lambda r: r.state is SlotState.CLEARED)
    assert reader.diagnosis is None


def test_clear_and_read_again(rig: Rig) -> None:
    assert rig.post("/readers/r0/clear").status_code == 303  # type: ignore[attr-defined]
    assert rig.reader().state is SlotState.CLEARED and rig.reader().diagnosis is None
    assert rig.post("/readers/r0/read").status_code == 303  # type: ignore[attr-defined]
    assert rig.wait_for(lambda r: r.state is SlotState.READY).diagnosis is not None


def test_the_clerk_s_dates_recompute_the_report(rig: Rig) -> None:
    before = rig.client.get("/api/readers/r0/report").json()
    assert before["expected"] is None
    assert "sign_cert_present" in [f["code"] for f in before["findings"]]
    answer = rig.post(
        "/readers/r0/inputs",
        {"birth": "1978-12-01", "card_issued": "2022-12-01", "card_expiry_printed": "2032-12-01"},
    )
    assert answer.status_code == 303  # type: ignore[attr-defined]
    after = rig.client.get("/api/readers/r0/report").json()
    assert after["expected"]["inputs"]["birth"] == "1978-12-01"
    assert "sign_cert_ok" in [f["code"] for f in after["findings"]]
    page = rig.client.get("/").text
    assert "カード表面の有効期限（2032年12月1日）はICチップの記録と一致しています" in page
    assert 'value="1978-12-01"' in page


def test_a_date_on_the_card_face_that_differs_from_the_chip_is_pointed_out(rig: Rig) -> None:
    rig.post(
        "/readers/r0/inputs",
        {"card_expiry_printed": "2031-12-01", "cert_expiry_written": "2026-12-01"},
    )
    page = rig.client.get("/?lang=en").text
    assert (
        "The expiry printed on the card (2031-12-01) differs from the chip&#39;s (2032-12-01)"
        in page
    )
    assert "differs from the user-authentication certificate&#39;s on the chip (2027-12-01)" in page


def test_the_period_of_stay_alone_reaches_the_diagnosis(make_rig: MakeRig) -> None:
    rig = make_rig("foreign-resident")
    rig.post("/readers/r0/inputs", {"residence_until": "2028-03-31"})
    report = rig.client.get("/api/readers/r0/report").json()
    assert "residence_period_limit" in [f["code"] for f in report["findings"]]


def test_a_quick_swap_is_a_card_out_and_a_card_in() -> None:
    clock = FakeClock()
    desk = _desk(clock)
    seen, _ = events_of(desk)
    assert desk.update([_snap("R", True, 1)]) == [("R", 1)]
    desk.reading_done("R", 1, _facts())  # type: ignore[arg-type]
    assert desk.reader("r0").state is SlotState.READY
    # Card out and another in between two waits: same presence, new event count.
    assert desk.update([_snap("R", True, 3)]) == [("R", 2)]
    assert desk.reader("r0").state is SlotState.READING and desk.reader("r0").diagnosis is None
    kinds = [e.kind for e in seen]
    assert kinds == [
        EventKind.READERS,
        EventKind.CARD_IN,
        EventKind.REPORT_READY,
        EventKind.CARD_OUT,
        EventKind.CARD_IN,
    ]


def test_a_reading_finished_after_the_card_left_is_dropped() -> None:
    desk = _desk(FakeClock())
    [(name, generation)] = desk.update([_snap("R", True, 1)])
    desk.update([_snap("R", False, 2)])
    desk.reading_done(name, generation, _facts())  # type: ignore[arg-type]
    assert desk.reader("r0").state is SlotState.EMPTY and desk.reader("r0").diagnosis is None


def test_several_readers_side_by_side_and_a_reader_unplugged() -> None:
    desk = _desk(FakeClock())
    desk.update([_snap("A", True, 1), _snap("B", False, 0)])
    desk.reading_done("A", 1, _facts("adult"))  # type: ignore[arg-type]
    assert [(r.id, r.name, r.state) for r in desk.readers()] == [
        ("r0", "A", SlotState.READY),
        ("r1", "B", SlotState.EMPTY),
    ]
    desk.update([_snap("B", False, 0)])  # reader A unplugged: its data go with it
    assert [r.name for r in desk.readers()] == ["B"]


def test_a_card_that_is_not_a_my_number_card_is_reported(make_rig: MakeRig) -> None:
    desk = _desk(FakeClock())
    from jpki.diagnosis import CardFacts

    desk.update([_snap("R", True, 1)])
    desk.reading_done("R", 1, CardFacts(ChipKind.NOT_A_MY_NUMBER_CARD))
    diagnosis = desk.reader("r0").diagnosis
    assert diagnosis is not None and diagnosis.severity.value == "action_needed"


def test_the_inputs_map_to_the_diagnosis_circumstances() -> None:
    inputs = CounterInputs(
        birth=date(1978, 12, 1),
        card_issued=date(2022, 12, 1),
        residence_until=date(2030, 1, 1),
        card_expiry_printed=date(2032, 12, 1),
    )
    c = inputs.circumstances()
    assert (c.birth, c.card_issued, c.residence_until) == (
        date(1978, 12, 1),
        date(2022, 12, 1),
        date(2030, 1, 1),
    )


def test_dates_sent_after_the_card_left_are_not_kept(rig: Rig) -> None:
    rig.post("/sim/card", {"present": "0"})
    rig.wait_for(lambda r: r.state is SlotState.EMPTY)
    answer = rig.post("/readers/r0/inputs", {"birth": "1978-12-01", "card_issued": "2022-12-01"})
    assert answer.status_code == 303  # type: ignore[attr-defined]
    assert rig.reader().inputs.empty and rig.reader().diagnosis is None
    assert "1978-12-01" not in rig.client.get("/").text


def test_readers_appear_once_the_service_comes_back() -> None:
    import threading

    from apdu.errors import PcscUnavailableError
    from jpki.counter.sources import SimulatedSource
    from jpki.counter.watch import Watcher

    class ServiceStartingLate(SimulatedSource):
        """The simulated reader behind a service that is not up at the first try."""

        starts = 0

        def start(self) -> tuple[ReaderSnapshot, ...]:
            self.starts += 1
            if self.starts == 1:
                raise PcscUnavailableError("the PC/SC service is not available")
            return super().start()

    with open_simulated_card(profile="adult") as card:
        atr = card.atr
    source = ServiceStartingLate("R", lambda: open_simulated_card(profile="adult"), atr)
    desk = _desk(FakeClock())
    ready = threading.Event()
    desk.listen(lambda event: ready.set() if event.kind is EventKind.REPORT_READY else None)
    watcher = Watcher(source, desk)
    watcher.start()  # no exception: the page shows no reader meanwhile
    try:
        assert desk.readers() == ()
        assert ready.wait(30), "the reader never appeared"
        assert source.starts == 2 and desk.reader("r0").state is SlotState.READY
    finally:
        watcher.stop()

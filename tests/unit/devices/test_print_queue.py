"""The print queue: jobs print once, in order, survive printer trouble and restarts."""

from __future__ import annotations

import errno
import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fake_printer_server import FakePrinter

from app.devices import spool as print_spool
from app.devices.print_jobs import (
    JobEvent,
    JobId,
    JobState,
    PrintJob,
    PrintSpoolError,
    RetryPolicy,
    strip_drawer_kick,
)
from app.devices.print_jobs_admin import cancel_print_job, list_print_jobs, retry_print_jobs
from app.devices.print_queue import PrintQueue
from app.devices.printer_errors import PrinterOffline, PrinterTimeout
from app.devices.printers import PrinterConnection
from app.devices.settings import PrinterSettings
from app.devices.spool import read_spool, request_cancel, request_retry
from app.errors import Conflict, NotFound, UserError
from app.files import write_atomically

FAST_RETRY = RetryPolicy(base_s=0.05, max_s=0.2, max_attempts=100, jitter=0.0)
# Printers that stay away: the job fails after two tries (or one) within a few hundredths.
GIVE_UP_SOON = RetryPolicy(base_s=0.02, max_s=0.02, max_attempts=2, jitter=0.0)
GIVE_UP_AT_ONCE = RetryPolicy(base_s=0.02, max_s=0.02, max_attempts=1, jitter=0.0)
WAIT_S = 10.0


@pytest.fixture
def printer() -> Iterator[FakePrinter]:
    with FakePrinter() as fake:
        yield fake


def till(fake: FakePrinter, timeout_s: float = 2.0) -> PrinterSettings:
    return PrinterSettings(
        name="till", backend="network", host="127.0.0.1", port=fake.port, timeout_s=timeout_s
    )


MakeQueue = Callable[..., PrintQueue]


@pytest.fixture
def make_queue(tmp_path: Path) -> Iterator[MakeQueue]:
    queues: list[PrintQueue] = []

    def make(*printers: PrinterSettings, start: bool = True, **kwargs: object) -> PrintQueue:
        kwargs.setdefault("retry", FAST_RETRY)
        kwargs.setdefault("fsync", True)
        q = PrintQueue(tmp_path / "spool", printers, **kwargs)  # type: ignore[arg-type]
        queues.append(q)
        if start:
            q.start()
        return q

    yield make
    for q in queues:
        assert q.stop(timeout_s=WAIT_S), "print queue threads did not end"


def wait_until(condition: Callable[[], bool], timeout_s: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.01)


def state_of(q: PrintQueue, job_id: str) -> JobState | None:
    job = q.job(job_id)
    return job.state if job else None


def current(q: PrintQueue, job_id: str) -> PrintJob:
    job = q.job(job_id)
    assert job is not None
    return job


def finished(q: PrintQueue, job_id: str) -> PrintJob:
    job = q.wait(job_id, WAIT_S)
    assert job is not None
    return job


def payload(n: int) -> bytes:
    return f"\x1b@receipt {n}\n".encode() * 10


# --- printing ------------------------------------------------------------------------------


def test_jobs_print_once_each_in_order(printer: FakePrinter, make_queue: MakeQueue) -> None:
    q = make_queue(till(printer))
    ids = [q.submit("till", f"Receipt {n}", payload(n)) for n in range(5)]
    for job_id in ids:
        assert finished(q, job_id).state is JobState.DONE
    assert printer.jobs == [payload(n) for n in range(5)]
    job = q.job(ids[0])
    assert job is not None and job.attempts == 1 and job.last_error == ""


def test_submit_returns_at_once_and_never_raises_while_the_printer_hangs(
    printer: FakePrinter,
    make_queue: MakeQueue,
) -> None:
    printer.mode = "stall"
    q = make_queue(till(printer, timeout_s=0.3))
    started = time.monotonic()
    ids = [q.submit("till", "Receipt", b"x" * 600_000) for _ in range(3)]
    assert time.monotonic() - started < 1.0
    wait_until(lambda: state_of(q, ids[0]) is JobState.RETRYING)
    job = q.job(ids[0])
    assert job is not None and "stopped taking data" in job.last_error
    assert state_of(q, ids[1]) is JobState.QUEUED  # waits behind the first: order kept
    q.cancel(ids[0]), q.cancel(ids[1]), q.cancel(ids[2])


def test_job_prints_after_the_printer_comes_back(
    printer: FakePrinter, make_queue: MakeQueue
) -> None:
    printer.mode = "refuse"
    q = make_queue(till(printer))
    first = q.submit("till", "Receipt 1", payload(1))
    second = q.submit("till", "Receipt 2", payload(2))
    wait_until(lambda: current(q, first).attempts >= 2)
    job = q.job(first)
    assert job is not None and job.state in (JobState.RETRYING, JobState.PRINTING)
    assert "not reachable" in job.last_error
    printer.mode = "record"
    assert finished(q, second).state is JobState.DONE
    assert printer.jobs == [payload(1), payload(2)]


BIG = 8 * 1024 * 1024  # more than the kernel buffers for a printer that stopped reading
KICK = b"\x1bp\x0022"  # what app.printing.escpos.drawer_kick() sends


def test_connection_dropped_before_the_job_was_handed_over_prints_the_whole_job_again(
    printer: FakePrinter,
    make_queue: MakeQueue,
) -> None:
    printer.mode = "drop"
    q = make_queue(till(printer, timeout_s=5.0))
    job = b"\x1b@" + b"x" * BIG
    job_id = q.submit("till", "Receipt", job)
    wait_until(lambda: current(q, job_id).attempts >= 1)
    assert "lost while printing" in current(q, job_id).last_error
    printer.mode = "record"
    assert finished(q, job_id).state is JobState.DONE
    assert printer.jobs == [job]


def test_drawer_kick_is_not_sent_again_on_a_retry(
    printer: FakePrinter, make_queue: MakeQueue
) -> None:
    printer.mode = "drop"
    q = make_queue(till(printer, timeout_s=5.0))
    receipt = b"\x1b@" + b"x" * BIG
    job_id = q.submit("till", "Receipt", KICK + receipt)
    wait_until(lambda: current(q, job_id).attempts >= 1)
    assert current(q, job_id).reached_printer
    printer.mode = "record"
    assert finished(q, job_id).state is JobState.DONE
    assert KICK in printer.dropped[0]  # the first attempt opened the drawer...
    assert printer.jobs == [receipt]  # ...the retry printed the receipt without a kick


def test_drawer_kick_goes_out_when_the_first_attempts_never_reached_the_printer(
    printer: FakePrinter, make_queue: MakeQueue
) -> None:
    printer.mode = "refuse"
    q = make_queue(till(printer))
    job_id = q.submit("till", "Receipt", KICK + payload(1))
    wait_until(lambda: current(q, job_id).attempts >= 2)
    printer.mode = "record"
    assert finished(q, job_id).state is JobState.DONE
    assert printer.jobs == [KICK + payload(1)]


def test_printer_that_resets_after_taking_the_whole_job_prints_it_once(
    printer: FakePrinter, make_queue: MakeQueue
) -> None:
    printer.mode = "reset_after"
    q = make_queue(till(printer))
    ids = [q.submit("till", f"Receipt {n}", KICK + payload(n)) for n in range(3)]
    for job_id in ids:
        assert finished(q, job_id).state is JobState.DONE
        assert current(q, job_id).attempts == 1
    time.sleep(0.2)  # time for a wrong retry to show
    assert printer.jobs == [KICK + payload(n) for n in range(3)]
    assert printer.connections == 3


@pytest.mark.slow
def test_job_the_printer_may_have_printed_waits_for_a_person(
    printer: FakePrinter, make_queue: MakeQueue
) -> None:
    # The whole job was handed over, then the reset came before the printer had
    # acknowledged it all: sending it again might print it twice, so nobody does.
    printer.mode = "drop"
    printer.drop_delay_s = 0.3
    q = make_queue(till(printer, timeout_s=5.0))
    job = b"x" * (1024 * 1024)
    job_id = q.submit("till", "Receipt", job)
    unsure = finished(q, job_id)
    assert unsure.state is JobState.UNSURE and unsure.attempts == 1
    assert "check whether it printed" in unsure.last_error
    time.sleep(0.3)
    assert printer.connections == 1  # not retried by itself
    printer.mode = "record"
    assert q.retry(job_id)  # the person looked: it did not print
    assert finished(q, job_id).state is JobState.DONE
    assert printer.jobs == [job]


def test_job_sent_to_a_printer_that_then_stalls_is_not_called_done(
    printer: FakePrinter, make_queue: MakeQueue
) -> None:
    printer.mode = "runs_out"
    q = make_queue(till(printer))
    job_id = q.submit("till", "Receipt", payload(1))
    job = finished(q, job_id)
    assert job.state is JobState.UNSURE and "out of paper" in job.last_error
    wait_until(lambda: printer.buffered == [payload(1)])
    assert printer.jobs == []
    assert q.cancel(job_id)  # the person looked: it printed after all once paper was in
    assert state_of(q, job_id) is JobState.CANCELLED


def test_job_waits_while_the_printer_says_it_is_offline(
    printer: FakePrinter, make_queue: MakeQueue
) -> None:
    printer.mode = "offline"
    q = make_queue(till(printer))
    job_id = q.submit("till", "Receipt", payload(1))
    wait_until(lambda: current(q, job_id).attempts >= 2)
    assert current(q, job_id).state in (JobState.RETRYING, JobState.PRINTING)
    assert not current(q, job_id).reached_printer  # asked, never sent
    printer.mode = "record"
    assert finished(q, job_id).state is JobState.DONE
    assert printer.jobs == [payload(1)] and printer.buffered == []


@pytest.mark.slow
def test_slow_printer_gets_a_big_job_once(printer: FakePrinter, make_queue: MakeQueue) -> None:
    printer.mode = "slow"  # 100 KB/s: the 200 KB job takes 2 s, ten timeouts
    q = make_queue(till(printer, timeout_s=0.2))
    job = bytes(range(256)) * 800
    job_id = q.submit("till", "Labels", job, kind="labels")
    done = finished(q, job_id)
    assert done.state is JobState.DONE and done.attempts == 1
    assert printer.jobs == [job] and printer.connections == 1


def test_failed_job_prints_when_its_printer_answers_again(
    printer: FakePrinter, make_queue: MakeQueue
) -> None:
    printer.mode = "refuse"
    q = make_queue(till(printer), retry=GIVE_UP_SOON, probe_interval_s=0.1, poll_s=0.02)
    job_id = q.submit("till", "Receipt", payload(1))
    failed = q.wait(job_id, WAIT_S)
    assert failed is not None and failed.state is JobState.FAILED and failed.retry_when_back
    time.sleep(0.3)  # knocked a few times: still failed, not printed
    assert state_of(q, job_id) is JobState.FAILED
    printer.mode = "record"
    wait_until(lambda: state_of(q, job_id) is JobState.DONE)
    assert printer.jobs == [payload(1)]


def test_failed_job_is_tried_again_after_a_restart(
    printer: FakePrinter, make_queue: MakeQueue
) -> None:
    printer.mode = "refuse"
    first = make_queue(till(printer), retry=GIVE_UP_SOON)
    job_id = first.submit("till", "Receipt", payload(1))
    assert finished(first, job_id).state is JobState.FAILED
    assert first.stop(timeout_s=WAIT_S)
    printer.mode = "record"
    second = make_queue(till(printer), retry=GIVE_UP_SOON)
    assert finished(second, job_id).state is JobState.DONE
    assert printer.jobs == [payload(1)]


def test_a_job_that_cannot_be_stored_is_refused_at_once(
    make_queue: MakeQueue, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    q = make_queue(PrinterSettings(name="p", backend="dummy"))

    def disk_full(path: Path, data: bytes, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(print_spool, "write_atomically", disk_full)
    with pytest.raises(PrintSpoolError) as caught:
        q.submit("p", "Receipt 12", b"abc")
    assert isinstance(caught.value, UserError)
    assert "Receipt 12" in caught.value.message and "disk is full" in caught.value.message
    assert q.jobs() == []


def test_a_job_whose_state_cannot_be_stored_is_refused_and_leaves_nothing(
    make_queue: MakeQueue, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    q = make_queue(PrinterSettings(name="p", backend="dummy"))
    real = print_spool.write_atomically

    def metadata_fails(path: Path, data: bytes, **kwargs: bool) -> None:
        if path.suffix == ".json":
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data, **kwargs)

    monkeypatch.setattr(print_spool, "write_atomically", metadata_fails)
    with pytest.raises(PrintSpoolError):
        q.submit("p", "Receipt", b"abc")
    assert q.jobs() == [] and not list((tmp_path / "spool").glob("*.job"))


def test_other_processes_ask_the_owner_to_retry_or_cancel(
    printer: FakePrinter, make_queue: MakeQueue, tmp_path: Path
) -> None:
    printer.mode = "refuse"
    q = make_queue(till(printer), retry=GIVE_UP_AT_ONCE, poll_s=0.02, probe_interval_s=60)
    keep, drop = (q.submit("till", f"Receipt {n}", payload(n)) for n in range(2))
    wait_until(lambda: all(state_of(q, j) is JobState.FAILED for j in (keep, drop)))
    spool = tmp_path / "spool"
    assert [j.id for j in read_spool(spool)] == [keep, drop]
    printer.mode = "record"
    request_cancel(spool, drop)
    wait_until(lambda: state_of(q, drop) is JobState.CANCELLED)
    request_retry(spool, "all")
    wait_until(lambda: state_of(q, keep) is JobState.DONE)
    assert printer.jobs == [payload(0)]
    assert not list(spool.glob("*-request"))


def test_retry_all_queues_failed_and_unsure_jobs(make_queue: MakeQueue) -> None:
    q = make_queue(PrinterSettings(name="p", backend="dummy"), start=False)
    a, b = q.submit("p", "A", b"a"), q.submit("p", "B", b"b")
    assert q.cancel(a)  # cancelled jobs stay cancelled: retry them one by one
    assert q.retry_all() == [] and state_of(q, a) is JobState.CANCELLED
    assert state_of(q, b) is JobState.QUEUED


def test_drawer_kicks_are_stripped_only_from_the_start() -> None:
    assert strip_drawer_kick(KICK + b"\x1b@text") == b"\x1b@text"
    assert strip_drawer_kick(b"\x1b@" + KICK + KICK + b"x") == b"\x1b@x"
    assert strip_drawer_kick(b"\x10\x14\x01\x00\x05rest") == b"rest"
    assert strip_drawer_kick(b"text" + KICK) == b"text" + KICK  # image data stays whole
    assert strip_drawer_kick(b"") == b""


def test_cancelled_job_is_never_printed(printer: FakePrinter, make_queue: MakeQueue) -> None:
    printer.mode = "refuse"
    q = make_queue(till(printer))
    first = q.submit("till", "Receipt 1", payload(1))
    second = q.submit("till", "Receipt 2", payload(2))
    wait_until(lambda: state_of(q, first) is JobState.RETRYING)
    assert q.cancel(first)
    wait_until(lambda: state_of(q, first) is JobState.CANCELLED)
    printer.mode = "record"
    assert finished(q, second).state is JobState.DONE
    assert printer.jobs == [payload(2)]
    assert not q.cancel(first) and not q.cancel(second)  # nothing left to cancel
    assert not q.cancel("no-such-job")


def test_failed_job_can_be_retried_by_hand(printer: FakePrinter, make_queue: MakeQueue) -> None:
    printer.mode = "refuse"
    q = make_queue(till(printer), retry=GIVE_UP_SOON)
    job_id = q.submit("till", "Label", payload(3), kind="label")
    failed = q.wait(job_id, WAIT_S)
    assert failed is not None and failed.state is JobState.FAILED and failed.attempts == 2
    assert failed.kind == "label" and "not reachable" in failed.last_error
    printer.mode = "record"
    assert q.retry(job_id)
    done = q.wait(job_id, WAIT_S)
    assert done is not None and done.state is JobState.DONE
    assert printer.jobs == [payload(3)]
    assert not q.retry(job_id)  # a printed job is not retried (submit it again to reprint)


def test_cancelled_job_can_be_retried_by_hand(make_queue: MakeQueue) -> None:
    q = make_queue(PrinterSettings(name="demo", backend="dummy"), start=False)
    job_id = q.submit("demo", "Receipt", b"abc")
    assert q.cancel(job_id) and state_of(q, job_id) is JobState.CANCELLED
    assert q.retry(job_id)
    q.start()
    assert finished(q, job_id).state is JobState.DONE


def test_unknown_printer_fails_at_once_without_raising(make_queue: MakeQueue) -> None:
    q = make_queue()
    job_id = q.submit("nowhere", "Receipt", b"abc")
    job = q.wait(job_id, WAIT_S)
    assert job is not None and job.state is JobState.FAILED and job.attempts == 1
    assert job.last_error == "No printer called nowhere is set up."


def test_changing_the_printer_settings_retries_at_once(
    printer: FakePrinter, make_queue: MakeQueue
) -> None:
    slow = RetryPolicy(base_s=60, max_s=60, max_attempts=5, jitter=0.0)
    wrong = PrinterSettings(name="till", backend="network", host="127.0.0.1", port=1)
    q = make_queue(wrong, retry=slow)
    job_id = q.submit("till", "Receipt", payload(1))
    wait_until(lambda: state_of(q, job_id) is JobState.RETRYING)  # next try in a minute...
    q.set_printers([till(printer)])  # ... but the address was fixed
    assert finished(q, job_id).state is JobState.DONE


def test_backend_bug_fails_the_job_and_the_worker_lives_on(make_queue: MakeQueue) -> None:
    calls: list[bytes] = []

    class Buggy:
        def send(self, data: bytes) -> None:
            calls.append(data)
            if len(calls) == 1:
                raise ZeroDivisionError("oops")

        def close(self) -> None:
            pass

    q = make_queue(PrinterSettings(name="p", backend="dummy"), connect=lambda s: Buggy())
    first = q.submit("p", "A", b"a")
    second = q.submit("p", "B", b"b")
    assert finished(q, first).state is JobState.FAILED
    assert finished(q, second).state is JobState.DONE


class GatedConnection:
    """A fake printer whose send() blocks until the test lets it finish (or fail)."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        self.fail = False

    def __call__(self, settings: PrinterSettings) -> PrinterConnection:
        return self

    def send(self, data: bytes) -> None:
        self.entered.set()
        assert self.release.wait(WAIT_S)
        if self.fail:
            raise PrinterTimeout("Printer p did not take the job in time.")

    def close(self) -> None:
        pass


@pytest.mark.parametrize(("fails", "final"), [(True, JobState.CANCELLED), (False, JobState.DONE)])
def test_cancel_while_printing_decides_when_the_send_ends(
    make_queue: MakeQueue,
    fails: bool,
    final: JobState,
) -> None:
    gate = GatedConnection()
    gate.fail = fails
    q = make_queue(PrinterSettings(name="p", backend="dummy"), connect=gate)
    job_id = q.submit("p", "Receipt", b"abc")
    assert gate.entered.wait(WAIT_S)
    assert state_of(q, job_id) is JobState.PRINTING
    assert q.cancel(job_id)
    gate.release.set()
    assert finished(q, job_id).state is final


# --- durability ----------------------------------------------------------------------------


def test_queued_jobs_survive_a_restart(printer: FakePrinter, make_queue: MakeQueue) -> None:
    printer.mode = "refuse"
    first = make_queue(till(printer))
    ids = [first.submit("till", f"Receipt {n}", payload(n)) for n in range(3)]
    wait_until(lambda: state_of(first, ids[0]) is JobState.RETRYING)
    assert first.stop(timeout_s=WAIT_S)

    printer.mode = "record"
    second = make_queue(till(printer))
    assert [j.id for j in second.jobs()] == ids
    assert finished(second, ids[-1]).state is JobState.DONE
    assert printer.jobs == [payload(n) for n in range(3)]
    new = second.submit("till", "Receipt 3", payload(3))  # numbering goes on after reload
    assert current(second, new).seq > current(second, ids[-1]).seq


def test_job_interrupted_while_printing_is_printed_again_after_a_crash(
    printer: FakePrinter,
    make_queue: MakeQueue,
    tmp_path: Path,
) -> None:
    first = make_queue(till(printer), start=False)  # never started: plays the crashed run
    job_id = first.submit("till", "Receipt", payload(1))
    meta = tmp_path / "spool" / f"{job_id}.json"
    crashed = json.loads(meta.read_text()) | {"state": "printing"}
    meta.write_text(json.dumps(crashed))
    (tmp_path / "spool" / ".half-written.json.1234.tmp").write_text("{")  # a torn write
    first.stop()  # the crashed process is gone: its hold on the spool with it

    second = make_queue(till(printer))
    assert finished(second, job_id).state is JobState.DONE
    assert printer.jobs == [payload(1)]
    assert not list((tmp_path / "spool").glob("*.tmp"))


def test_retry_time_far_in_the_future_is_brought_back_within_the_policy(
    make_queue: MakeQueue, tmp_path: Path
) -> None:
    first = make_queue(start=False)
    job_id = first.submit("p", "Receipt", b"abc")
    meta = tmp_path / "spool" / f"{job_id}.json"
    waiting = json.loads(meta.read_text()) | {
        "state": "retrying",
        "attempts": 1,
        "next_attempt_at": time.time() + 3600,  # the clock was set back an hour
    }
    meta.write_text(json.dumps(waiting))
    first.stop()
    second = make_queue(PrinterSettings(name="p", backend="dummy"))
    assert finished(second, job_id).state is JobState.DONE


def test_damaged_spool_files_are_set_aside(make_queue: MakeQueue, tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    spool.mkdir()
    (spool / "garbage.json").write_text("{not json")
    (spool / "orphan.job").write_bytes(b"submit crashed before its metadata")
    lost = PrintJob(
        id=JobId("lost"),
        printer="p",
        title="Receipt",
        kind="receipt",
        state=JobState.QUEUED,
        seq=4,
        size=3,
        created_at=1.0,
        updated_at=1.0,
    )
    write_atomically(spool / "lost.json", json.dumps(lost.to_dict()).encode())

    q = make_queue(PrinterSettings(name="p", backend="dummy"), start=False)
    assert (spool / "garbage.corrupt").exists() and not (spool / "orphan.job").exists()
    job = q.job("lost")
    assert job is not None and job.state is JobState.FAILED
    assert job.last_error == "The print data was lost."
    assert q.submit("p", "Next", b"x") and q.jobs()[-1].seq > 4


def test_a_second_queue_on_the_spool_prints_only_its_own_jobs(
    printer: FakePrinter, make_queue: MakeQueue
) -> None:
    # The window's queue owns the spool; the command line prints a label meanwhile.
    printer.mode = "refuse"
    window = make_queue(till(printer))
    receipt = window.submit("till", "Receipt", payload(1))
    wait_until(lambda: state_of(window, receipt) is JobState.RETRYING)

    cli = make_queue(till(printer), PrinterSettings(name="labels", backend="dummy"))
    assert window.spool_owner and not cli.spool_owner
    assert cli.jobs() == []  # the window's receipt is not the command line's business
    label = cli.submit("labels", "Label", b"label")
    assert finished(cli, label).state is JobState.DONE
    printer.mode = "record"
    assert cli.stop(timeout_s=WAIT_S)
    assert finished(window, receipt).state is JobState.DONE
    assert printer.jobs == [payload(1)]  # printed once, by the window's queue
    assert window.stop(timeout_s=WAIT_S)

    later = make_queue(start=False)  # the next owner sees both, in submission order
    assert later.spool_owner
    assert [j.id for j in later.jobs()] == [receipt, label]


def test_unusable_spool_directory_refuses_jobs(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("")
    q = PrintQueue(not_a_dir / "spool", [PrinterSettings(name="p", backend="dummy")])
    assert not q.durable
    with q, pytest.raises(PrintSpoolError):
        q.submit("p", "Receipt", b"abc")


def test_spool_written_by_an_older_version_still_loads(
    make_queue: MakeQueue, tmp_path: Path
) -> None:
    spool = tmp_path / "spool"
    spool.mkdir()
    old = {
        "version": 1, "id": "old", "printer": "p", "title": "Receipt", "kind": "receipt",
        "state": "failed", "seq": 4, "size": 3, "created_at": 1.0, "updated_at": 1.0,
        "attempts": 12, "next_attempt_at": 0.0, "last_error": "not reachable",
    }  # fmt: skip
    write_atomically(spool / "old.json", json.dumps(old).encode())
    write_atomically(spool / "old.job", b"abc")
    q = make_queue(PrinterSettings(name="p", backend="dummy"))
    assert finished(q, "old").state is JobState.DONE  # failed once, tried again now


def test_spool_metadata_is_plain_json(make_queue: MakeQueue, tmp_path: Path) -> None:
    q = make_queue(start=False)
    job_id = q.submit("p", "Receipt 12", b"\x1b@abc", kind="receipt")
    meta = json.loads((tmp_path / "spool" / f"{job_id}.json").read_text())
    assert meta["state"] == "queued" and meta["title"] == "Receipt 12" and meta["size"] == 5
    assert (tmp_path / "spool" / f"{job_id}.job").read_bytes() == b"\x1b@abc"
    assert PrintJob.from_dict(meta) == q.job(job_id)


# --- listeners, pruning, threads ---------------------------------------------------------------


def test_listeners_hear_every_change_in_order(printer: FakePrinter, make_queue: MakeQueue) -> None:
    printer.mode = "refuse"
    q = make_queue(till(printer), start=False)
    events: list[JobEvent] = []
    q.add_listener(events.append)
    q.add_listener(lambda event: 1 / 0)  # a broken listener does not silence the others
    q.start()
    job_id = q.submit("till", "Receipt", payload(1))
    wait_until(lambda: current(q, job_id).attempts >= 2)
    printer.mode = "record"
    q.wait(job_id, WAIT_S)
    wait_until(lambda: events[-1].job.state is JobState.DONE)
    states = [e.job.state for e in events]
    assert events[0].previous is None and states[0] is JobState.QUEUED
    assert states[1:3] == [JobState.PRINTING, JobState.RETRYING]
    assert states[-2:] == [JobState.PRINTING, JobState.DONE]
    for before, after in itertools.pairwise(events):
        assert after.previous is before.job.state  # nothing skipped, nothing reordered


def test_unsubscribed_listener_hears_nothing(make_queue: MakeQueue) -> None:
    q = make_queue(PrinterSettings(name="p", backend="dummy"))
    events: list[JobEvent] = []
    unsubscribe = q.add_listener(events.append)
    unsubscribe()
    q.wait(q.submit("p", "Receipt", b"abc"), WAIT_S)
    q.stop()
    assert events == []


def test_finished_jobs_are_pruned_by_count(make_queue: MakeQueue, tmp_path: Path) -> None:
    q = make_queue(PrinterSettings(name="p", backend="dummy"), keep_finished=2)
    removed: list[JobEvent] = []
    q.add_listener(lambda e: removed.append(e) if e.removed else None)
    ids = [q.submit("p", f"R{n}", b"abc") for n in range(4)]
    for job_id in ids:
        q.wait(job_id, WAIT_S)
    wait_until(lambda: len(q.jobs()) == 2)
    assert [j.id for j in q.jobs()] == ids[2:]
    assert len(list((tmp_path / "spool").glob("*.json"))) == 2
    wait_until(lambda: {e.job.id for e in removed} == set(ids[:2]))


def test_finished_jobs_are_pruned_by_age(make_queue: MakeQueue) -> None:
    q = make_queue(PrinterSettings(name="p", backend="dummy"), keep_finished_s=0.2)
    job_id = q.submit("p", "Receipt", b"abc")
    q.wait(job_id, WAIT_S)
    assert q.job(job_id) is not None  # still listed for a while
    time.sleep(0.3)
    q.prune()
    assert q.job(job_id) is None


def test_waiting_for_a_retry_does_not_busy_loop(
    printer: FakePrinter, make_queue: MakeQueue
) -> None:
    printer.mode = "refuse"
    policy = RetryPolicy(base_s=0.2, max_s=0.2, max_attempts=100, jitter=0.0)
    q = make_queue(till(printer), retry=policy)
    job_id = q.submit("till", "Receipt", payload(1))
    wait_until(lambda: current(q, job_id).attempts >= 1)
    cpu, wall = time.process_time(), time.monotonic()
    time.sleep(1.0)
    cpu, wall = time.process_time() - cpu, time.monotonic() - wall
    attempts = current(q, job_id).attempts
    assert attempts <= 8  # about one try per 0.2 s
    assert cpu < 0.5 * wall


def test_stop_ends_every_thread(make_queue: MakeQueue) -> None:
    before = set(threading.enumerate())
    q = make_queue(
        PrinterSettings(name="p", backend="dummy"), PrinterSettings(name="q", backend="dummy")
    )
    q.wait(q.submit("p", "A", b"a"), WAIT_S)
    q.wait(q.submit("q", "B", b"b"), WAIT_S)
    ours = [t for t in threading.enumerate() if t not in before]
    assert {t.name for t in ours} >= {"print-queue[p]", "print-queue[q]", "print-queue-events"}
    assert q.stop(timeout_s=WAIT_S)
    assert not [t for t in ours if t.is_alive()]
    with pytest.raises(RuntimeError):
        q.start()


def test_submit_takes_bytes_only(make_queue: MakeQueue) -> None:
    q = make_queue(start=False)
    with pytest.raises(TypeError):
        q.submit("p", "Receipt", "text")  # type: ignore[arg-type]


def test_retry_policy_backs_off_exponentially_up_to_the_cap() -> None:
    policy = RetryPolicy(base_s=1, max_s=10, max_attempts=5, jitter=0.0)
    assert [policy.delay(n) for n in range(1, 7)] == [1, 2, 4, 8, 10, 10]
    jittery = RetryPolicy(base_s=1, max_s=10, jitter=0.5)
    assert jittery.delay(3, rand=lambda: 1.0) == 6.0
    with pytest.raises(ValueError):
        RetryPolicy(base_s=0)


def test_offline_error_is_retryable() -> None:
    assert PrinterOffline("x").retryable and PrinterTimeout("x").retryable


# --- the command line's print-jobs -------------------------------------------------------------


def test_print_jobs_commands_retry_and_cancel_without_the_window(
    printer: FakePrinter, tmp_path: Path
) -> None:
    printer.mode = "refuse"
    spool = tmp_path / "spool"
    with PrintQueue(spool, [till(printer)], retry=GIVE_UP_AT_ONCE) as first:
        ids = [first.submit("till", f"Receipt {n}", payload(n)) for n in range(3)]
        for job_id in ids:
            first.wait(job_id, WAIT_S)
    assert [j.state for j in list_print_jobs(spool)] == [JobState.FAILED] * 3
    assert cancel_print_job(spool, [till(printer)], ids[2]).jobs[0].state is JobState.CANCELLED
    with pytest.raises(NotFound):
        retry_print_jobs(spool, [till(printer)], "nope")
    with pytest.raises(Conflict):
        cancel_print_job(spool, [till(printer)], ids[2])
    printer.mode = "record"
    change = retry_print_jobs(spool, [till(printer)], ids[0])
    assert not change.handed_to_owner and [j.state for j in change.jobs] == [JobState.DONE]
    change = retry_print_jobs(spool, [till(printer)])  # --all: the failed one left
    assert [j.id for j in change.jobs] == [ids[1]] and change.jobs[0].state is JobState.DONE
    assert printer.jobs == [payload(0), payload(1)]


def test_print_jobs_commands_ask_the_window_when_it_owns_the_spool(
    printer: FakePrinter, make_queue: MakeQueue, tmp_path: Path
) -> None:
    printer.mode = "refuse"
    window = make_queue(till(printer), retry=GIVE_UP_AT_ONCE, poll_s=0.02, probe_interval_s=60)
    job_id = window.submit("till", "Receipt", payload(1))
    wait_until(lambda: state_of(window, job_id) is JobState.FAILED)
    printer.mode = "record"
    change = retry_print_jobs(tmp_path / "spool", [till(printer)], job_id)
    assert change.handed_to_owner
    wait_until(lambda: state_of(window, job_id) is JobState.DONE)
    assert printer.jobs == [payload(1)]


@pytest.mark.slow
def test_jobs_sent_while_the_printer_is_stalled_wait_for_it_and_none_is_lost(
    printer: FakePrinter, make_queue: MakeQueue
) -> None:
    # A printer that answers its status, then stalls (takes connections, reads nothing),
    # then is rebooted: the jobs of the stall are not swallowed by its dead buffer.
    q = make_queue(till(printer, timeout_s=0.5))
    first = q.submit("till", "Receipt 0", payload(0))
    assert finished(q, first).state is JobState.DONE
    printer.mode = "stall"
    ids = [q.submit("till", f"Receipt {n}", payload(n)) for n in range(1, 6)]
    wait_until(lambda: current(q, ids[0]).attempts >= 1)
    assert "not answering" in current(q, ids[0]).last_error
    assert all(state_of(q, j) is not JobState.DONE for j in ids)
    printer.mode = "record"  # rebooted
    for job_id in ids:
        assert finished(q, job_id).state is JobState.DONE
    assert printer.jobs == [payload(n) for n in range(6)]

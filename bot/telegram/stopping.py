"""Stopping within a deadline without losing an update.

A stop first lets the bot finish: fetching stops, the updates already received are handled,
running jobs end. That normally takes a fraction of a second, but a burst of updates waiting for the
sending limit, or a broadcast in progress, can take minutes, and a container is killed 10 s after
SIGTERM. So the graceful part has STOP_BUDGET_S; what is not finished by then is cancelled, and the
updates that were waiting or being handled are written to BOT_DATA_DIR/unfinished-updates.json.
Telegram has already been told they were received, so they exist nowhere else; the next start
handles them first (a handler cut off half-way may then answer twice: at least once, never lost).
Announcements need nothing of this: their deliveries live in the outbox (SQLite) and a cancelled
one is sent at the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import logging
import os
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application, BaseUpdateProcessor

log = logging.getLogger(__name__)
STOP_BUDGET_S = 1.0         # of the 2 s a stop may take; the rest is cancelling, shutting down and leaving
UNFINISHED = "unfinished-updates.json"
WIDE = 2 ** 20                # the library's own limit on concurrent updates, left to UpdateTracker.slots
AnyApplication = Application[Any, Any, Any, Any, Any, Any]


class UpdateTracker(BaseUpdateProcessor):
    """Handles up to `max_concurrent_updates` updates at once and knows which updates are being
    handled or waiting for a free slot, each by its task. (BaseUpdateProcessor.process_update, which
    takes the slot, cannot be overridden: the library's own limit is left wide, and the slot is
    taken here, after the update is registered.)"""

    __slots__ = ("slots", "unfinished")

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(WIDE)
        self.slots = asyncio.BoundedSemaphore(max_concurrent_updates)
        self.unfinished: dict[asyncio.Task[Any], object] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.unfinished[task] = update
        started = False
        try:
            async with self.slots:
                started = True
                await coroutine
        finally:
            self.unfinished.pop(task, None)
            if not started and inspect.iscoroutine(coroutine):
                coroutine.close()       # cancelled while waiting: never awaited, by design

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


async def stop_within_budget(application: AnyApplication, data_dir: Path, budget: float = STOP_BUDGET_S) -> int:
    """Stop fetching, finish what was received, stop the jobs, shut down; after `budget` seconds
    save what is unfinished and cancel it. Returns the number of updates saved for the next start."""
    graceful = asyncio.create_task(_stop_gracefully(application), name="stop")
    done, _ = await asyncio.wait({graceful}, timeout=budget)
    saved = 0
    if not done:
        saved = _save_unfinished(application, data_dir)
        # Handlers, jobs and their sends; not the Application's update fetcher, which only hands
        # updates on and must reach its stop signal for Application.stop to finish.
        spared = {asyncio.current_task(), graceful}
        busy = [task for task in asyncio.all_tasks()
                if task not in spared and not task.done() and not task.get_name().endswith(":update_fetcher")]
        log.warning("still busy after %.1f s: %d update(s) saved for the next start, %d task(s) cancelled",
                    budget, saved, len(busy))
        for task in busy:
            task.cancel()
        done, _ = await asyncio.wait({graceful}, timeout=budget / 3)
        if not done:
            graceful.cancel()
            await asyncio.wait({graceful}, timeout=0.1)
    if graceful.done() and not graceful.cancelled() and graceful.exception() is not None:
        log.error("stopping failed: %s", type(graceful.exception()).__name__)
    job_queue = application.job_queue
    if job_queue is not None and job_queue.scheduler.running:
        job_queue.scheduler.shutdown(wait=False)
    if not application.running:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(application.shutdown(), timeout=budget / 3)
    return saved


async def _stop_gracefully(application: AnyApplication) -> None:
    """Updater.stop, Application.stop, post_stop. A step that awaited a task cancelled at the
    deadline ends with CancelledError; the next steps still run, unless this task itself was cancelled."""
    updater = application.updater
    steps = []
    if updater is not None and updater.running:
        steps.append(updater.stop)
    if application.running:
        steps.append(application.stop)
        if application.post_stop:
            post_stop = application.post_stop
            steps.append(lambda: post_stop(application))
    for step in steps:
        try:
            await step()
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise


def _save_unfinished(application: AnyApplication, data_dir: Path) -> int:
    """Write the updates still queued or being handled, oldest first, next to those saved before."""
    queue = application.update_queue
    waiting: list[object] = []
    while not queue.empty():
        waiting.append(queue.get_nowait())
        queue.task_done()
    for item in waiting:
        if not isinstance(item, Update):
            queue.put_nowait(item)          # the Application's own stop signal stays in line
    tracker = application.update_processor
    handling = list(tracker.unfinished.values()) if isinstance(tracker, UpdateTracker) else []
    updates = [u for u in handling + waiting if isinstance(u, Update)]
    if not updates:
        return 0
    path = Path(data_dir) / UNFINISHED
    kept = [entry for entry in _read(path) if entry.get("update_id") not in {u.update_id for u in updates}]
    rows = kept + [u.to_dict() for u in sorted(updates, key=lambda u: u.update_id)]
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)
    return len(updates)


def _read(path: Path) -> list[dict[str, Any]]:
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        log.error("cannot read the unfinished updates in %s (%s); they are left there", path, type(exc).__name__)
        return []
    return [row for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []


async def resume_unfinished(application: AnyApplication, data_dir: Path) -> int:
    """Queue the updates the last stop saved, before any new one; the file goes once they are queued
    (a stop before they are handled saves them again)."""
    path = Path(data_dir) / UNFINISHED
    if not path.exists():
        return 0
    rows = _read(path)
    resumed = 0
    for row in rows:
        try:
            update = Update.de_json(row, application.bot)
        except Exception as exc:  # noqa: BLE001 - a saved update the library no longer reads is skipped
            log.warning("skipped a saved update %s: it cannot be read (%s)", row.get("update_id"), type(exc).__name__)
            continue
        if update is not None:
            await application.update_queue.put(update)
            resumed += 1
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    if resumed:
        log.info("%d update(s) saved at the last stop are handled first", resumed)
    return resumed

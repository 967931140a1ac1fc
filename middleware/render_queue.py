"""The render queue: ahead-of-time render jobs from every session, earliest due first.

Scheduler and executor are kept apart (as in vLLM): sessions submit jobs with a due time; worker
coroutines pop the most urgent jobs, up to the engine's batch size, and run one batched
``engine.render`` call in a thread pool, so rendering never blocks the event loop and a GPU engine
sees batches that mix sessions.
"""
from __future__ import annotations

import asyncio
import heapq
import itertools
import multiprocessing
import os
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field

from ..engines.base import Clip, Engine, RenderRequest
from .metrics import Metrics


@dataclass(order=True)
class _Job:
    due: float
    order: int
    request: RenderRequest = field(compare=False)
    future: asyncio.Future = field(compare=False)


# Worker processes build their own engine once (see ``process_pool``): the one per-process global.
_WORKER_ENGINE: Engine | None = None


WORKER_NICENESS = 10  # rendering ahead yields the CPU to the just-in-time mixing loop


def _exit_with_parent(parent: int) -> None:
    """A worker must not outlive a server that was killed (SIGKILL leaves no time to stop it)."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _init_worker(name: str, options: dict) -> None:
    global _WORKER_ENGINE
    os.nice(WORKER_NICENESS)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    from ..engines.registry import create_engine
    _WORKER_ENGINE = create_engine(name, **options)


def _render_in_worker(requests):
    return _WORKER_ENGINE.render(requests)


def _ready() -> bool:
    return _WORKER_ENGINE is not None


def process_pool(engine_name: str, options: dict, workers: int) -> ProcessPoolExecutor:
    """A pool of spawned processes, each with its own engine: CPU engines render in parallel
    with the event loop instead of contending for its GIL (spawn, because gRPC forbids fork).
    Every worker is started and has built its engine before this returns, so the first
    session's clips do not wait for interpreter start-up."""
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_init_worker, initargs=(engine_name, options))
    for f in [pool.submit(_ready) for _ in range(workers)]:
        f.result()
    return pool


class RenderQueue:
    def __init__(self, engine: Engine, executor: Executor, workers: int, metrics: Metrics | None = None,
                 timeout_s: float = 10.0):
        self.engine = engine
        self.timeout_s = timeout_s
        self.executor = executor
        self._render = _render_in_worker if isinstance(executor, ProcessPoolExecutor) else engine.render
        self.metrics = metrics
        self.max_batch = max(1, int(getattr(engine, "max_batch", 1)))
        self._heap: list[_Job] = []
        self._order = itertools.count()
        self._ready = asyncio.Event()
        self._workers = [asyncio.create_task(self._work(), name=f"render-{engine.name}-{i}")
                         for i in range(max(1, workers))]

    def __len__(self) -> int:
        return len(self._heap)

    def submit(self, request: RenderRequest, due: float) -> "asyncio.Future[Clip]":
        """Queue a render; ``due`` is the monotonic time the clip is needed by."""
        fut = asyncio.get_running_loop().create_future()
        heapq.heappush(self._heap, _Job(due, next(self._order), request, fut))
        self._ready.set()
        return fut

    async def close(self) -> None:
        for w in self._workers:
            w.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        for job in self._heap:
            if not job.future.done():
                job.future.cancel()
        self._heap.clear()

    def _pop_batch(self) -> list[_Job]:
        batch = []
        while self._heap and len(batch) < self.max_batch:
            job = heapq.heappop(self._heap)
            if not job.future.done():  # cancelled by its session (event revised away)
                batch.append(job)
        if not self._heap:
            self._ready.clear()
        return batch

    async def _work(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._ready.wait()
            batch = self._pop_batch()
            if not batch:
                continue
            t0 = time.perf_counter()
            try:
                call = loop.run_in_executor(self.executor, self._render, [j.request for j in batch])
                try:
                    clips = await asyncio.wait_for(call, self.timeout_s)
                except asyncio.TimeoutError:  # the worker may finish later; nobody waits for it
                    raise TimeoutError(f"render took longer than {self.timeout_s:g} s") from None
                if len(clips) != len(batch):
                    raise RuntimeError(f"engine {self.engine.name} returned {len(clips)} clips for {len(batch)} requests")
            except Exception as exc:  # the sessions fall back per event; the queue keeps serving
                if self.metrics:
                    self.metrics.engine_failures += 1
                for job in batch:
                    if not job.future.done():
                        job.future.set_exception(exc)
                        job.future.exception()  # sessions read it when they need it; no "never retrieved"
                continue
            if self.metrics:
                self.metrics.observe_render(self.engine.name, time.perf_counter() - t0,
                                            sum(j.request.event.duration_s for j in batch))
            for job, clip in zip(batch, clips):
                if not job.future.done():
                    job.future.set_result(clip)

"""Distributed crawling: many workers, one shared frontier in Redis, one dataset.

Switched on by ``crawler.addons.DistributedCrawl`` when ``REDIS_URL`` is set. The frontier
is scrapy-redis's: its scheduler, its dupefilter (the shared seen-set) and a subclass of its
priority queue. What this module adds:

- **Leases.** A plain scrapy-redis queue forgets a request the moment a worker pops it, so a
  worker killed mid-crawl loses its in-flight requests for good. ``LeasedPriorityQueue``
  pops atomically into a per-worker lease set instead (``listings:lease:<worker>``). A
  request stays leased until what it produced is durable: when it has been fully handled it
  moves to ``listings:done:<worker>``, and that set is emptied once the worker has committed
  its Parquet files (a checkpoint). Requests of a worker whose heartbeats stop are put back
  in the queue by any live worker.
- **Heartbeats.** Each worker is registered in ``listings:workers`` and refreshes
  ``listings:alive:<worker>`` (TTL ``LISTINGS_WORKER_TTL``). A worker given up for dead is
  removed from the registry; if it was only stalled, it notices, drops its unfinished files
  and stops, so nothing it was writing is stored twice.
- **Draining.** A worker closes when the shared queue is empty, no worker holds a lease,
  and that has lasted ``LISTINGS_DRAIN_SECONDS``. The run is then over: the seen-set is
  cleared (atomically, only if the frontier is still empty), so the next run re-walks the
  listings, while an interrupted run resumes where it stopped.
- **Sharing.** A worker holds at most ``LISTINGS_WORKER_PREFETCH`` requests; the rest stays
  in the queue for the others.
- **Hosts.** Requests may come from start URLs given to other workers or pushed with
  ``scrapy push``: the hosts of every start URL are kept in ``listings:hosts`` and become
  each worker's ``allowed_domains``.
- **Progress.** Each worker publishes its counters in ``listings:stats:<worker>``
  (``scrapy push --status`` shows them).
"""

from crawler.distributed.extension import DistributedWorker
from crawler.distributed.keys import HOSTS_KEY, frontier_keys, worker_keys
from crawler.distributed.queue import LeasedPriorityQueue
from crawler.distributed.status import status
from crawler.distributed.worker import Worker, new_run

__all__ = [
    "HOSTS_KEY",
    "DistributedWorker",
    "LeasedPriorityQueue",
    "Worker",
    "frontier_keys",
    "new_run",
    "status",
    "worker_keys",
]

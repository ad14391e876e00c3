"""Memory of a shop's gunicorn workers after N requests (for bench/compare_oscar.sh).

    python bench/rss_after.py BASE_URL N MASTER_PID PATH [PATH ...]

Sends N GET requests from 8 threads (one keep-alive connection each): in each run of 20,
product pages (the products the first three catalogue pages list, in turn), then the PATHs
given (listings, search, basket; "PATH|COOKIE" sends a cookie). Then prints each worker's
resident memory (VmRSS of the master's children, from /proc) and the largest, in MB:
"RSS n=N workers=A,B max=M errors=E".
"""

import http.client
import re
import sys
import threading
import urllib.parse
from pathlib import Path

base, total, master, others = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
netloc = urllib.parse.urlsplit(base).netloc
THREADS = 8
errors = []


def get(connection, path: str, cookie: str = "") -> tuple[int, str]:
    connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = connection.getresponse()
    return response.status, response.read().decode(errors="replace")


listing = http.client.HTTPConnection(netloc, timeout=300)
products = []
for page in (1, 2, 3):
    for path in re.findall(
        r'href="(/catalogue/[^"/?]+_[0-9]+/)"', get(listing, f"/catalogue/?page={page}")[1]
    ):
        if path not in products:
            products.append(path)
PRODUCT_SLOTS = 20 - len(others)


def path_of(i: int) -> str:
    """The i-th request's path: 17 (20 less the others) product pages in turn, then the others."""
    slot = i % 20
    if slot < PRODUCT_SLOTS:
        return products[(i // 20 * PRODUCT_SLOTS + slot) % len(products)]
    return others[slot - PRODUCT_SLOTS]


def worker(start: int) -> None:
    connection = http.client.HTTPConnection(netloc, timeout=300)
    for i in range(start, total, THREADS):
        path, _, cookie = path_of(i).partition("|")
        if get(connection, path, cookie)[0] >= 500:
            errors.append(path)


threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()


def rss_mb(pid: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
sizes = [rss_mb(pid) for pid in children]
print(
    f"RSS n={total} workers={','.join(f'{s:.1f}' for s in sizes)} max={max(sizes):.1f} "
    f"errors={len(errors)}"
)

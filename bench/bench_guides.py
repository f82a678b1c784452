"""Guides for citizens on a weak connection (issue: guides and training in Wagtail).

Figure (SQLite only: a page weighs the same on any database)
- guide_page_kb: what a phone downloads to read a guide the first time, images apart:
  the page and every style sheet and script it links, each compressed with gzip at
  level 6, for the heaviest of the guides `seed_guides` writes, in Vietnamese and
  English, read by a citizen (not signed in). Baseline: the same files uncompressed.
"""

import gzip
import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from bench import Figure
from cms.models import GuidePage
from cms.seeding import seed_guides

LINKED = re.compile(rb'<(?:link rel="stylesheet" href|script src)="([^"]+)"')


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def static_file(url: str) -> bytes:
    return Path(finders.find(url.removeprefix(settings.STATIC_URL))).read_bytes()


def weigh(client: Client, url: str) -> tuple[int, int, list[str]]:
    """(compressed bytes, raw bytes, linked files) of the page at `url`."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    files = [link.decode() for link in LINKED.findall(response.content)]
    bodies = [response.content, *(static_file(name) for name in files)]
    return sum(gzipped(body) for body in bodies), sum(len(body) for body in bodies), files


def run(context):
    if context["engine"] != "sqlite":
        return []
    seed_guides()
    client = Client()
    weights = {page.url: weigh(client, page.url) for page in GuidePage.objects.live()}
    url, (packed, raw, files) = max(weights.items(), key=lambda item: item[1][0])
    poster = weigh(client, url + "poster/")
    names = ", ".join(name.rsplit("/", 1)[-1] for name in files)
    return [
        Figure(
            "guide_page_kb",
            round(packed / 1024, 1),
            "KB",
            baseline="the same files uncompressed",
            baseline_value=round(raw / 1024, 1),
            target="< 100",
            note=(
                f"heaviest of {len(weights)} seeded guides ({url}) with {names}, gzip -6, "
                f"no JavaScript; its A4 poster with the QR code weighs {poster[0] / 1024:.1f} KB"
            ),
        )
    ]

"""bench/browser.py: the JavaScript byte counts, the report's verdicts, and one real run in Chromium."""
from __future__ import annotations

import gzip
from pathlib import Path

import streamlit

from bench import browser

STATIC = Path(streamlit.__file__).parent / "static"


class FakeCdp:
    """Stands for a DevTools session: records the handlers, lets the test fire events."""

    def __init__(self) -> None:
        self.handlers: dict[str, object] = {}

    def send(self, _method: str) -> None:
        return None

    def on(self, event: str, handler) -> None:
        self.handlers[event] = handler

    def fire(self, event: str, **params) -> None:
        self.handlers[event](params)


def test_downloads_count_received_decoded_and_cached_javascript():
    js = next((STATIC / "static" / "js").glob("index.*.js"))
    url = f"http://127.0.0.1:8621/static/js/{js.name}"
    cdp = FakeCdp()
    downloads = browser.Downloads(cdp)
    cdp.fire("Network.responseReceived", requestId="1", response={"url": url})
    cdp.fire("Network.dataReceived", requestId="1", dataLength=300_000)
    cdp.fire("Network.dataReceived", requestId="1", dataLength=179_929)
    cdp.fire("Network.loadingFinished", requestId="1", encodedDataLength=150_000)
    cdp.fire("Network.responseReceived", requestId="2", response={"url": url + "?v=2", "fromDiskCache": True})
    cdp.fire("Network.loadingFinished", requestId="2", encodedDataLength=0)
    cdp.fire("Network.responseReceived", requestId="3", response={"url": "http://127.0.0.1:8621/_stcore/health"})
    cdp.fire("Network.dataReceived", requestId="3", dataLength=2)
    total = downloads.total()
    assert (total.files, total.cached, total.wire, total.decoded) == (2, 1, 150_000, 479_929)
    assert total.gzip == len(gzip.compress(js.read_bytes(), 6))
    downloads.reset()
    assert downloads.total() == browser.Bytes()


def test_report_marks_each_target():
    result = browser.Result(database="x.db", loans=200_000, proxy=False, charts={"overview": 3, "audit": 0})
    result.sign_in = {"cold": [3.4, 2.9, 3.1], "warm": [1.2, 1.0, 1.1]}
    result.navigation = {"audit": {"cold": [1.6, 1.7, 1.8], "warm": [0.4, 0.5, 0.6]}}
    lines = browser.render([result], runs=3).splitlines()
    assert "| sign-in → overview drawn (3 charts) | 3.10 | 1.10 | < 3 | **missed** | met |" in lines
    assert "| → audit (0 charts) | 1.70 | 0.50 | < 1.5 | **missed** | met |" in lines

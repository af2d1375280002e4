"""The server extension under hostile requests, on a real JupyterLab on 127.0.0.1 (no
browser): a body limit with 413, other requests served while a big one is worked on,
short download names, CORS no wider than jupyter_server's own handlers."""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from report_factory import make_report, variable

from jupyter_scope import server
from tests.browser.lab import Lab


def post(lab: Lab, path: str, body: bytes, **headers: str) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(
        f"{lab.base}/jupyter-scope/{path}",
        data=body,
        method="POST",
        headers={"Authorization": f"token {lab.token}", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_a_body_above_the_limit_is_refused_before_it_is_read(lab):
    """Only the headers are sent: the answer comes without the body."""
    host = urllib.parse.urlparse(lab.base).netloc
    connection = http.client.HTTPConnection(host, timeout=30)
    connection.putrequest("POST", "/jupyter-scope/export/json")
    connection.putheader("Authorization", f"token {lab.token}")
    connection.putheader("Content-Length", str(server.MAX_BODY + 1))
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 413
    assert "export it in Python" in json.loads(response.read())["message"]


def test_a_stranger_gets_403_whatever_the_size(lab):
    request = urllib.request.Request(
        f"{lab.base}/jupyter-scope/export/json", data=b"{}", method="POST"
    )
    try:
        urllib.request.urlopen(request, timeout=30)
    except urllib.error.HTTPError as error:
        assert error.code == 403


def big_document(n: int) -> bytes:
    return make_report([variable(f"s{i % 100}/v{i}", [2]) for i in range(n)]).to_json().encode()


def test_other_requests_are_served_while_a_big_one_is_worked_on(lab):
    """Ordering, not timing: the status request sent while the export works ends first."""
    body = big_document(30_000)
    done: dict[str, float] = {}

    def export() -> None:
        status, _, _ = post(lab, "export/html", body)
        assert status == 200
        done["export"] = time.monotonic()

    worker = threading.Thread(target=export)
    worker.start()
    time.sleep(0.5)  # the body is sent; the export is being worked on
    assert "export" not in done, "the export ended too soon to show anything"
    lab.api("status")
    done["status"] = time.monotonic()
    worker.join()
    assert done["status"] < done["export"]


def test_download_names_are_short(lab):
    report = make_report([variable("v", [2])])
    report.meta["name"] = "n" * 10_000
    status, _, text = post(lab, "export/md", report.to_json().encode())
    assert status == 200
    name = json.loads(text)["name"]
    assert len(name) <= server.MAX_NAME + len("scopes-.md") and name.startswith("scopes-nnn")


def test_cors_is_jupyter_servers_own(lab):
    """A foreign Origin gets from this endpoint what jupyter_server's API gives it."""
    origin = {"Origin": "http://evil.example"}
    _, ours, _ = post(
        lab, "document", make_report([variable("v", [2])]).to_json().encode(), **origin
    )
    request = urllib.request.Request(
        f"{lab.base}/api/status", headers={"Authorization": f"token {lab.token}", **origin}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        theirs = dict(response.headers)
    for header in ("Access-Control-Allow-Origin", "Access-Control-Allow-Credentials"):
        assert ours.get(header) == theirs.get(header), header

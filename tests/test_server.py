"""The server extension in a real Jupyter server: the export formats it lists (Python's
registry, which the lab extension's buttons and palette entries read) and the files it
writes for them."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from report_factory import tower_report

from jupyter_scope.export import write
from jupyter_scope.export.formats import FORMATS
from tests.browser.lab import Lab, start_lab


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    server = start_lab(tmp_path_factory.mktemp("root"), tmp_path_factory.mktemp("lab"))
    yield server
    server.stop()


def call(lab: Lab, path: str, body: bytes | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(
        f"{lab.base}/jupyter-scope/{path}",
        data=body,
        method="GET" if body is None else "POST",
        headers={"Authorization": f"token {lab.token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_formats_are_the_registrys_in_its_order(lab):
    status, body = call(lab, "formats")
    assert status == 200
    listed = json.loads(body)
    assert [f["name"] for f in listed] == list(FORMATS) == [
        "json", "graphml", "dot", "html", "md", "csv"
    ]  # fmt: skip
    assert {f["name"]: f["label"] for f in listed}["md"] == "Markdown"
    assert listed == [f.to_dict() for f in FORMATS.values()]


def test_each_listed_format_exports_that_format(lab):
    report = tower_report()
    report.meta["name"] = "tower"
    _, body = call(lab, "formats")
    for format in json.loads(body):
        status, body = call(lab, f"export/{format['name']}", report.to_json().encode())
        assert status == 200, body
        file = json.loads(body)
        assert file == {
            "name": f"scopes-tower{format['suffix']}",
            "mime": format["mime"],
            "text": write.render(report, format["name"]),
        }


def test_an_unknown_format_or_a_bad_document_is_refused(lab):
    assert call(lab, "export/xlsx", tower_report().to_json().encode())[0] == 404
    assert call(lab, "export/json", b"{}")[0] == 400

"""The Jupyter server extension: Python's own writers for the browser, no kernel needed.

The Scopes panel asks for the export formats (Python's registry, `export/formats.py`: the
front end keeps no list of its own), posts a report document and gets back the file
`report.export()` would write (so a file exported from the sidebar and one exported in
Python are the same bytes), and a document saved before schema 1.2 gets the display
section the tree reads.

Bounds: a body above `MAX_BODY` is refused with 413 as soon as its headers arrive (never
read whole); the parsing and rendering run in a worker thread, off the event loop that
serves every other request; download names are at most `MAX_NAME` characters. CORS is
jupyter_server's own (`APIHandler`): nothing here adds to it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from jupyter_scope.document.codec import ReportFormatError
from jupyter_scope.export import write
from jupyter_scope.export.formats import FORMATS
from jupyter_scope.model.report import ScopeReport

MAX_BODY = 100 * 1024 * 1024  # a report of ~200k variables; bigger: export in Python
MAX_NAME = 100  # characters of a download's stem


def file_name(report: ScopeReport, format: str) -> str:
    """`scopes-<name or In-N>.<suffix>`, safe as a file name."""
    cell = (report.meta.get("cell") or {}).get("execution_count")
    stem = report.meta.get("name") or (f"In-{cell}" if cell else "report")
    safe = re.sub(r"[^\w.-]+", "_", str(stem))[:MAX_NAME]
    return f"scopes-{safe}{FORMATS[format].suffix}"


def exported(body: bytes, format: str) -> dict[str, str]:
    """The file of `format` for the posted document: name, MIME type and text."""
    report = ScopeReport.from_json(body)
    return {
        "name": file_name(report, format),
        "mime": FORMATS[format].mime,
        "text": write.render(report, format),
    }


def formats() -> list[dict[str, Any]]:
    """The export formats, in the registry's order, as the front end lists them."""
    return [f.to_dict() for f in FORMATS.values()]


def upgraded(body: bytes) -> str:
    """The posted document as this version writes it (display section included)."""
    return ScopeReport.from_json(body).to_json()


def _load_jupyter_server_extension(serverapp: Any) -> None:
    import tornado.web
    from jupyter_server.base.handlers import APIHandler
    from jupyter_server.utils import url_path_join
    from tornado.ioloop import IOLoop

    @tornado.web.stream_request_body
    class BoundedHandler(APIHandler):
        """A POST whose body is at most MAX_BODY bytes, worked on off the event loop."""

        async def prepare(self) -> None:  # type: ignore[override]
            await super().prepare()
            if not self.current_user:  # before the size: tell strangers nothing else
                raise tornado.web.HTTPError(403)
            self.chunks: list[bytes] = []
            size = int(self.request.headers.get("Content-Length") or 0)
            if size > MAX_BODY:
                raise tornado.web.HTTPError(
                    413,
                    reason="Report too large",
                    log_message=f"a document of {size} bytes, above the {MAX_BODY} "
                    "this endpoint takes: export it in Python (report.export) instead",
                )
            if self.request.connection is not None:  # a chunked body too
                self.request.connection.set_max_body_size(MAX_BODY)  # type: ignore[attr-defined]

        def data_received(self, chunk: bytes) -> None:
            self.chunks.append(chunk)

        async def answer(self, work: Any, *args: Any) -> None:
            body = b"".join(self.chunks)
            self.chunks.clear()
            try:
                self.finish(await IOLoop.current().run_in_executor(None, work, body, *args))
            except (ReportFormatError, write.ExportError) as exc:
                raise tornado.web.HTTPError(400, str(exc)) from None

    class DocumentHandler(BoundedHandler):
        @tornado.web.authenticated
        async def post(self) -> None:
            await self.answer(upgraded)

    class FormatsHandler(APIHandler):
        @tornado.web.authenticated
        def get(self) -> None:
            self.finish(json.dumps(formats()))

    class ExportHandler(BoundedHandler):
        @tornado.web.authenticated
        async def post(self, format: str) -> None:
            if format not in FORMATS:
                raise tornado.web.HTTPError(404, f"unknown format {format!r}")
            await self.answer(lambda body: json.dumps(exported(body, format)))

    base = url_path_join(serverapp.web_app.settings["base_url"], "jupyter-scope")
    serverapp.web_app.add_handlers(
        ".*$",
        [
            (url_path_join(base, "document"), DocumentHandler),
            (url_path_join(base, "formats"), FormatsHandler),
            (url_path_join(base, r"export/(\w+)"), ExportHandler),
        ],
    )

"""A real JupyterLab server and Debian's Chromium, for the browser tests."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Lab:
    """A running `jupyter lab` or Notebook 7 (`app`): its root directory, base URL and token."""

    root: Path
    base: str
    token: str
    process: subprocess.Popen
    app: str = "lab"

    def url(self, path: str) -> str:
        return f"{self.base}/{path}?token={self.token}"

    def notebook_url(self, name: str) -> str:
        """Where `name` opens: JupyterLab's tree, or Notebook 7's notebook page."""
        return self.url(f"lab/tree/{name}" if self.app == "lab" else f"notebooks/{name}")

    def api(self, path: str, method: str = "GET", body: Any = None) -> Any:
        request = urllib.request.Request(
            f"{self.base}/api/{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read()
        return json.loads(text) if text else None

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


# What points Python or Jupyter at this checkout or this venv, rather than a user's venv.
SOURCE_VARIABLES = ("PYTHONPATH", "JUPYTER_PATH", "VIRTUAL_ENV")


def user_env(venv: Path, work: Path) -> dict[str, str]:
    """The environment of a user who activated `venv`: this one's, without SOURCE_VARIABLES,
    `venv/bin` first on PATH (`jupyter` finds its subcommands there), and Jupyter's user
    directories in `work`, empty."""
    env = {k: v for k, v in os.environ.items() if k not in SOURCE_VARIABLES}
    env.update(
        PATH=os.pathsep.join([str(venv / "bin"), env["PATH"]]),
        JUPYTER_DATA_DIR=str(work / "data"),
        JUPYTER_CONFIG_DIR=str(work / "config"),
    )
    return env


def start_lab(root: Path, work: Path, venv: Path | None = None, app: str = "lab") -> Lab:
    """Start JupyterLab (`app="lab"`) or Notebook 7 (`app="notebook"`) on a free loopback port.

    Without `venv`: this process's Python, with this checkout's package and built extension.
    With `venv`: that venv's Python, which sees only what is installed in it: no source tree
    on the path, and Jupyter's user directories moved into `work`.
    """
    news = work / "settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)
    (news / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    port, token = free_port(), secrets.token_hex(16)
    env = {
        **(os.environ if venv is None else user_env(venv, work)),
        "JUPYTER_RUNTIME_DIR": str(work / "runtime"),
        "TF_CPP_MIN_LOG_LEVEL": "3",
    }
    server = "LabApp" if app == "lab" else "JupyterNotebookApp"
    if venv is None:
        python = sys.executable
        extensions = work / "labextensions"
        extensions.mkdir()
        (extensions / "jupyter-scope").symlink_to(ROOT / "jupyter_scope" / "labextension")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        source = [f"--{server}.extra_labextensions_path={extensions}"]
    else:
        python = str(venv / "bin" / "python")
        source = []
    command = [
        python, "-m", "jupyterlab" if app == "lab" else "notebook", "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        *source,
        f"--{server}.user_settings_dir={work / 'settings'}",
        f"--{server}.workspaces_dir={work / 'workspaces'}",
        "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        f"--{server}.expose_app_in_browser=True", "--LabApp.extension_manager=readonly",
        "--ServerApp.allow_root=True",
    ]  # fmt: skip
    log = (work / f"{app}.log").open("w")
    process = subprocess.Popen(command, env=env, cwd=work, stdout=log, stderr=subprocess.STDOUT)
    lab = Lab(root, f"http://127.0.0.1:{port}", token, process, app)
    deadline = time.monotonic() + 60
    while True:
        try:
            lab.api("status")
            return lab
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"jupyter {app} did not start; see {log.name}") from None
            time.sleep(0.3)


def write_notebook(path: Path, cells: list[str]) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(nb, path)


# -- driving JupyterLab in the page (`--LabApp.expose_app_in_browser` gives `jupyterapp`) --

KERNEL_EVAL = """async (code) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const future = kernel.requestExecute({ code, store_history: false });
  let out = '';
  future.onIOPub = msg => {
    if (msg.header.msg_type === 'stream') out += msg.content.text;
    if (msg.header.msg_type === 'error') out += msg.content.ename + ': ' + msg.content.evalue;
  };
  await future.done;
  return out;
}"""


def open_notebook(page, lab: Lab, name: str) -> None:
    page.goto(lab.notebook_url(name) + "&reset")  # a fresh workspace: no earlier test's tabs
    wait_for_kernel(page)


def wait_for_kernel(page) -> None:
    """Wait until the current notebook shows its cells and its kernel is connected and
    idle: connected alone, a kernel may not have answered its first `kernel_info` yet."""
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_function(
        "() => { const kernel = window.jupyterapp.shell.currentWidget?.sessionContext"
        "?.session?.kernel; return kernel?.connectionStatus === 'connected'"
        " && kernel.status === 'idle'; }",
        timeout=60_000,
    )


# A command's promise that never settles fails the test after this long: `page.evaluate`
# itself has no timeout (a run of every cell whose requests never reached the kernel, in
# Notebook 7.2.0, once held a test for 13 minutes).
COMMAND_MS = 300_000


def command(page, name: str, args: dict | None = None) -> Any:
    return page.evaluate(
        """([name, args, ms]) => Promise.race([
          window.jupyterapp.commands.execute(name, args),
          new Promise((_, reject) =>
            setTimeout(() => reject(new Error(`${name} did not settle in ${ms} ms`)), ms))
        ])""",
        [name, args or {}, COMMAND_MS],
    )


def kernel_eval(page, code: str) -> str:
    """Run `code` in the notebook's kernel; its stdout (and any error)."""
    return page.evaluate(KERNEL_EVAL, code)


def run_all(page, widgets: int) -> None:
    """Run every cell and wait for `widgets` scope trees and an idle kernel."""
    command(page, "notebook:run-all-cells")
    wait_for_widgets(page, widgets)


def wait_for_widgets(page, n: int) -> None:
    """Wait until `n` scope widgets are in the outputs, showing rows, and the kernel is idle."""
    page.wait_for_function(
        "n => document.querySelectorAll('.jp-OutputArea .jp-Scope-widget .jp-Scope-row')"
        ".length > 0 && document.querySelectorAll('.jp-OutputArea .jp-Scope-widget').length >= n"
        " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status"
        " === 'idle'",
        arg=n,
        timeout=180_000,
    )


# -- the Scopes panel --

PANEL = "#jp-scope-panel"
TAB = '.jp-SideBar [data-id="jp-scope-panel"]'
REPORTS = f"{PANEL} .jp-Scope-reportList > .jp-Scope-report"


def open_panel(page) -> None:
    """Open the Scopes panel: JupyterLab's sidebar tab, or Notebook 7's command (no tabs)."""
    if page.locator(TAB).count():
        page.locator(TAB).click()
    else:
        command(page, "jupyter-scope:show-panel")
    page.locator(PANEL).wait_for(state="visible")


def tree_names(page) -> list[str]:
    """The names of the rows the panel's tree shows."""
    return page.eval_on_selector_all(
        f"{PANEL} .jp-Scope-tree .jp-Scope-row",
        "els => els.map(e => e.dataset.name).filter(Boolean)",  # op groups have no name
    )


def set_theme(page, theme: str) -> None:
    command(page, "apputils:change-theme", {"theme": theme})
    page.wait_for_function(
        "t => document.body.dataset.jpThemeName === t", arg=theme, timeout=30_000
    )
    page.wait_for_timeout(500)


SHARING_CELL = """\
%%scopes filters --graph
import tensorflow as tf
v1 = tf.compat.v1

def conv_relu(x, kernel_shape, bias_shape):
    weights = v1.get_variable("weights", kernel_shape,
                              initializer=v1.random_normal_initializer())
    biases = v1.get_variable("biases", bias_shape, initializer=v1.constant_initializer(0.0))
    conv = tf.nn.conv2d(x, weights, strides=[1, 1, 1, 1], padding="SAME")
    return tf.nn.relu(conv + biases)

def image_filter(x):
    with v1.variable_scope("conv1"):
        relu1 = conv_relu(x, [5, 5, 32, 32], [32])
    with v1.variable_scope("conv2"):
        return conv_relu(relu1, [5, 5, 32, 32], [32])

image1 = v1.placeholder(tf.float32, [1, 8, 8, 32])
image2 = v1.placeholder(tf.float32, [1, 8, 8, 32])
with v1.variable_scope("image_filters") as scope:
    result1 = image_filter(image1)
    scope.reuse_variables()
    result2 = image_filter(image2)
"""

SMALL_CELL = """\
%%scopes small --graph
with tf.compat.v1.variable_scope("foo"):
    v = tf.compat.v1.get_variable("v", [1])
with tf.compat.v1.variable_scope("foo", reuse=True):
    v2 = tf.compat.v1.get_variable("v", [1])
"""

# The live widget of the newest `%%scopes` output.
LAST_WIDGET = "import jupyter_scope\nw = jupyter_scope.widgets[-1]\n"

"""Write `device_placement.ipynb` (run it after editing the cells below).

The device-placement story (SPEC.md, user 5) on a CPU-only machine: two logical CPUs,
a GPU asked for under soft placement, parameter servers, MirroredStrategy. Cells end
with what TF itself says, to compare with the report.
"""

from __future__ import annotations

from make_notebooks import code, md, write

FILENAME = "device_placement.ipynb"

CELLS = [
    md("""
# Device placement: asked for vs placed

Every variable and op in a `%%scopes` report carries two devices: `device_requested`,
what the code asked for (`tf.device`, a device function such as
`replica_device_setter`, `colocate_with`, a distribution strategy), and `device`, where
TF actually put it. Whatever was asked for one device and placed on another is flagged
with a `placement-fallback` warning, one line per scope and device pair.

This notebook runs on a CPU-only machine. It splits the CPU into two logical devices,
which must happen before TensorFlow initialises, so it comes first.
"""),
    code("""
import tensorflow as tf

cpu, = tf.config.list_physical_devices("CPU")
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
%load_ext jupyter_scope
"""),
    md("""
## Eager: one op per logical CPU, and a GPU that is not there

Eager ops are placed as they run. The ones asked for `/GPU:0` run on `CPU:0` instead
(soft placement is on by default in TF 2): 100 additions, one warning for the scope.
`meta["devices"]` lists the physical and logical devices TF saw.
"""),
    code("""
%%scopes eager
with tf.name_scope("cpu1"), tf.device("/CPU:1"):
    a = tf.constant([1.0, 2.0]) * 2.0
with tf.name_scope("tower"), tf.device("/GPU:0"):
    b = tf.constant([1.0, 2.0])
    for _ in range(100):
        b = b + 1.0
{"a": a.device, "b": b.device}  # what TF says
"""),
    code("""
[(d["kind"], d["name"]) for d in eager.meta["devices"]], eager.diagnostics[0]["message"]
"""),
    md("""
## Graph mode: placed when a session runs

In a `tf.Graph` TF decides placement when a session first runs the ops, so only ops
that ran get a `device`; the others keep `None`. With `allow_soft_placement` the GPU ops
fall back to the CPU, and the report says so.
"""),
    code("""
%%scopes graph --graph
x = tf.compat.v1.placeholder(tf.float32, [2, 2], name="x")
with tf.compat.v1.variable_scope("dense"), tf.device("/GPU:0"):
    w = tf.compat.v1.get_variable("w", [2, 2])
    y = tf.nn.relu(tf.matmul(x, w))
never_run = tf.tanh(x, name="never_run")
config = tf.compat.v1.ConfigProto(allow_soft_placement=True)
with tf.compat.v1.Session(config=config) as sess:
    sess.run(tf.compat.v1.global_variables_initializer())
    sess.run(y, {x: [[1.0, 2.0], [3.0, 4.0]]})
[w.device, y.device, never_run.device]  # what was asked for
"""),
    md("""
## Parameter servers: `replica_device_setter`

The device function puts variables on the `ps` tasks round-robin and ops on the
worker. Here the cluster is three in-process servers, so the graph really runs and the
report shows each variable on its parameter server.
"""),
    code("""
import socket


def free_port():
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


cluster = tf.train.ClusterSpec({"worker": [f"localhost:{free_port()}"],
                                "ps": [f"localhost:{free_port()}", f"localhost:{free_port()}"]})
servers = [tf.distribute.Server(cluster, job_name=job, task_index=i)
           for job, i in [("worker", 0), ("ps", 0), ("ps", 1)]]
"""),
    code("""
%%scopes ps --graph
v1 = tf.compat.v1
with v1.device(v1.train.replica_device_setter(ps_tasks=2, cluster=cluster)):
    with v1.variable_scope("layer"):
        w = v1.get_variable("w", [4, 4])
        b = v1.get_variable("b", [4])
        out = tf.matmul(tf.ones([1, 4]), w) + b
with v1.Session(servers[0].target) as sess:
    sess.run(v1.global_variables_initializer())
    sess.run(out)
{v.op.name: v.device for v in v1.global_variables()}  # what was asked for
"""),
    md("""
## MirroredStrategy over the two logical CPUs

A mirrored variable is one logical variable (`api: "distributed"`) whose `components`
are its per-replica variables, one per device. The replicas' ops, traced into a
`tf.function`, are placed from the function TF instantiated.
"""),
    code("""
strategy = tf.distribute.MirroredStrategy(["/CPU:0", "/CPU:1"])
"""),
    code("""
%%scopes mirrored
with strategy.scope():
    kernel = tf.Variable(tf.ones([3]), name="kernel")


@tf.function
def step():
    return strategy.run(lambda: kernel * 2.0)


step()
[v.device for v in kernel.values]  # what TF says
"""),
    code("""
logical, = [v for v in mirrored.variables if v["api"] == "distributed"]
by_id = {v["id"]: v for v in mirrored.variables}
[by_id[c]["device"] for c in logical["components"]]
"""),
    md("""
## On a GPU machine

Run the same notebook where TF sees a GPU and the chips change colour: the `tower`,
`dense` and `graph` ops are placed on `/job:localhost/replica:0/task:0/device:GPU:0`,
no `placement-fallback` warning appears for them, and each scope's device mix shows
the GPU share. Ops without a GPU kernel (string ops, some integer ops), and ops that
read a variable kept on the CPU, still land on the CPU, and those are the fallbacks
the report lists. `meta["devices"]` then lists the GPUs (physical and logical), and
a `MirroredStrategy()` without arguments mirrors each variable on every GPU.
"""),
]


def main() -> None:
    write(FILENAME, CELLS)

if __name__ == "__main__":
    main()

"""Write the story notebooks of this folder (run it after editing a story below).

Each notebook tells one user story of the product contract (SPEC.md, kept outside this
repository) with `%%scopes` cells; the test suite (`tests/test_notebooks.py`) executes
every one in a real kernel and checks its outputs. A `%%scopes` cell that ends with an
expression listing what TF itself says (variable names) lets the reader, and the tests,
compare the report with TF's truth.
Cells that are meant to raise carry the `raises-exception` tag.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).parent
RAISES = ("raises-exception",)

SETUP_TF1 = """%load_ext jupyter_scope
import tensorflow.compat.v1 as tf"""

TF_SAYS = "sorted(v.op.name for v in tf.global_variables())  # what TF says"


def md(text: str):
    return new_markdown_cell(text.strip())


def code(text: str, tags: tuple[str, ...] = ()):
    cell = new_code_cell(text.strip())
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


SHARING_VARIABLES = [
    md("""
# Sharing variables, seen by `%%scopes`

The TensorFlow *Sharing Variables* tutorial, end to end, in graph mode: every
`%%scopes --graph` cell runs in a fresh `tf.Graph()` with TF1 semantics, and shows which
variables it **created** and which it **reused**.
"""),
    code(SETUP_TF1),
    md("""
## The problem: `tf.Variable` in a function makes a new set per call
"""),
    code("""
def my_image_filter(input_images):
    conv1_weights = tf.Variable(tf.random_normal([5, 5, 32, 32]), name="conv1_weights")
    conv1_biases = tf.Variable(tf.zeros([32]), name="conv1_biases")
    conv1 = tf.nn.conv2d(input_images, conv1_weights, strides=[1, 1, 1, 1], padding='SAME')
    relu1 = tf.nn.relu(conv1 + conv1_biases)

    conv2_weights = tf.Variable(tf.random_normal([5, 5, 32, 32]), name="conv2_weights")
    conv2_biases = tf.Variable(tf.zeros([32]), name="conv2_biases")
    conv2 = tf.nn.conv2d(relu1, conv2_weights, strides=[1, 1, 1, 1], padding='SAME')
    return tf.nn.relu(conv2 + conv2_biases)
"""),
    code(f"""
%%scopes two_sets --graph
image1 = tf.placeholder(tf.float32, [1, 16, 16, 32], name="image1")
image2 = tf.placeholder(tf.float32, [1, 16, 16, 32], name="image2")
# First call creates one set of variables.
result1 = my_image_filter(image1)
# Another set is created in the second call.
result2 = my_image_filter(image2)
{TF_SAYS}
"""),
    md("""
Eight variables, none shared; TF renamed the second set (`conv1_weights_1`, …), which
the `duplicate-name` warnings point out.

## Variable scope: `tf.get_variable` + `tf.variable_scope`
"""),
    code("""
def conv_relu(input, kernel_shape, bias_shape):
    # Create variable named "weights".
    weights = tf.get_variable("weights", kernel_shape,
        initializer=tf.random_normal_initializer())
    # Create variable named "biases".
    biases = tf.get_variable("biases", bias_shape,
        initializer=tf.constant_initializer(0.0))
    conv = tf.nn.conv2d(input, weights, strides=[1, 1, 1, 1], padding='SAME')
    return tf.nn.relu(conv + biases)


def my_image_filter(input_images):
    with tf.variable_scope("conv1"):
        # Variables created here will be named "conv1/weights", "conv1/biases".
        relu1 = conv_relu(input_images, [5, 5, 32, 32], [32])
    with tf.variable_scope("conv2"):
        # Variables created here will be named "conv2/weights", "conv2/biases".
        return conv_relu(relu1, [5, 5, 32, 32], [32])
"""),
    md("""
Calling it twice without asking for reuse fails. The report shows the scope tree at the
moment of failure, where `conv1/weights` was first created, and how to fix it:
"""),
    code(
        """
%%scopes forgot_reuse --graph
image1 = tf.placeholder(tf.float32, [1, 16, 16, 32], name="image1")
image2 = tf.placeholder(tf.float32, [1, 16, 16, 32], name="image2")
result1 = my_image_filter(image1)
result2 = my_image_filter(image2)  # Raises ValueError(... conv1/weights already exists ...)
""",
        RAISES,
    ),
    md("""
The fix: share them with `reuse_variables()`.
"""),
    code(f"""
%%scopes shared --graph
image1 = tf.placeholder(tf.float32, [1, 16, 16, 32], name="image1")
image2 = tf.placeholder(tf.float32, [1, 16, 16, 32], name="image2")
with tf.variable_scope("image_filters") as scope:
    result1 = my_image_filter(image1)
    scope.reuse_variables()
    result2 = my_image_filter(image2)
{TF_SAYS}
"""),
    md("""
Four variables, each created once and reused once, with the cell line of every use.

## How `tf.get_variable` and `tf.variable_scope` work
"""),
    code(f"""
%%scopes basics --graph
with tf.variable_scope("foo"):
    v = tf.get_variable("v", [1])
assert v.name == "foo/v:0"
with tf.variable_scope("foo", reuse=True):
    v1 = tf.get_variable("v", [1])
assert v1 == v

with tf.variable_scope("root"):
    with tf.variable_scope("bar"):
        w = tf.get_variable("w", [1])
    tf.get_variable_scope().reuse_variables()
    with tf.variable_scope("bar"):  # the reuse flag is inherited
        w1 = tf.get_variable("w", [1])
assert w.name == "root/bar/w:0" and w1 is w

with tf.variable_scope("captured") as captured_scope:
    c = tf.get_variable("c", [1])
with tf.variable_scope("elsewhere"):
    with tf.variable_scope(captured_scope, reuse=True) as captured_again:
        c1 = tf.get_variable("c", [1])
assert captured_again.name == "captured" and c1 is c
{TF_SAYS}
"""),
    md("""
## Initializers in variable scopes

A scope's initializer is inherited by the scopes inside it, unless one sets its own.
"""),
    code("""
%%scopes initializers --graph
with tf.variable_scope("foo", initializer=tf.constant_initializer(0.4)):
    v = tf.get_variable("v", [1])
    w = tf.get_variable("w", [1], initializer=tf.constant_initializer(0.3))
    with tf.variable_scope("bar"):
        v_bar = tf.get_variable("v", [1])
    with tf.variable_scope("baz", initializer=tf.constant_initializer(0.2)):
        v_baz = tf.get_variable("v", [1])
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    values = {var.op.name: round(float(var.eval()[0]), 6) for var in tf.global_variables()}
assert values == {"foo/v": 0.4, "foo/w": 0.3, "foo/bar/v": 0.4, "foo/baz/v": 0.2}
values
"""),
    md("""
## Names of ops: `variable_scope` vs `name_scope`

A variable scope also opens a name scope for ops; a name scope names ops only, not the
variables of `tf.get_variable`.
"""),
    code("""
%%scopes op_names --graph
with tf.variable_scope("foo"):
    x = 1.0 + tf.get_variable("v", [1])
assert x.op.name == "foo/add"

with tf.variable_scope("qux"):
    with tf.name_scope("bar"):
        v = tf.get_variable("v", [1])
        y = 1.0 + v
assert v.name == "qux/v:0"
assert y.op.name == "qux/bar/add"
[x.op.name, v.op.name, y.op.name]
"""),
    code("""
%%scopes names --graph
with tf.name_scope("a_name_scope"):
    initializer = tf.constant_initializer(value=1)
    var1 = tf.get_variable(name='var1', shape=[1], dtype=tf.float32, initializer=initializer)
    var2 = tf.Variable(name='var2', initial_value=[2], dtype=tf.float32)
    var21 = tf.Variable(name='var2', initial_value=[2.1], dtype=tf.float32)
[var1.name, var2.name, var21.name]
"""),
]

GAN_AND_RNN = [
    md("""
# Weight sharing in a GAN and in train/test RNNs

Two patterns from the tutorials, in graph mode: a GAN's discriminator applied to real and
to generated images with one set of weights, and a test RNN that reuses the weights of
the train RNN although it unrolls over a different number of time steps.
"""),
    code(SETUP_TF1),
    code("""
def dense(x, n_out, name):
    with tf.variable_scope(name):
        w = tf.get_variable("w", [x.shape[-1], n_out],
                            initializer=tf.random_normal_initializer(stddev=0.02))
        b = tf.get_variable("b", [n_out], initializer=tf.zeros_initializer())
        return tf.matmul(x, w) + b


def generator(z):
    with tf.variable_scope("generator"):
        return tf.tanh(dense(tf.nn.relu(dense(z, 128, "h1")), 784, "out"))


def discriminator(x, reuse=False):
    with tf.variable_scope("discriminator", reuse=reuse):
        return dense(tf.nn.leaky_relu(dense(x, 128, "h1")), 1, "out")
"""),
    code(f"""
%%scopes gan --graph
z = tf.placeholder(tf.float32, [None, 100], name="z")
real_images = tf.placeholder(tf.float32, [None, 784], name="real_images")
fake_images = generator(z)
d_real = discriminator(real_images)
d_fake = discriminator(fake_images, reuse=True)  # the same weights judge the fakes
{TF_SAYS}
"""),
    md("""
The discriminator's four variables are created once and reused once; the generator's
are used once.

## Train and test RNNs sharing weights
"""),
    code("""
class TrainConfig:
    batch_size = 20
    time_steps = 20
    input_size = 10
    output_size = 2
    cell_size = 11


class TestConfig(TrainConfig):
    time_steps = 1


train_config = TrainConfig()
test_config = TestConfig()


class RNN:
    def __init__(self, config):
        self.x = tf.placeholder(
            tf.float32, [config.batch_size, config.time_steps, config.input_size], name="x")
        with tf.variable_scope("in_hidden"):
            w_in = tf.get_variable("weights", [config.input_size, config.cell_size])
            b_in = tf.get_variable("biases", [config.cell_size],
                                   initializer=tf.constant_initializer(0.1))
        state = tf.zeros([config.batch_size, config.cell_size])
        with tf.variable_scope("cell", reuse=tf.AUTO_REUSE):
            for t in range(config.time_steps):
                w_state = tf.get_variable("recurrent", [config.cell_size, config.cell_size])
                state = tf.tanh(tf.matmul(self.x[:, t, :], w_in) + b_in
                                + tf.matmul(state, w_state))
        with tf.variable_scope("out_hidden"):
            w_out = tf.get_variable("weights", [config.cell_size, config.output_size])
            b_out = tf.get_variable("biases", [config.output_size],
                                    initializer=tf.constant_initializer(0.1))
        self.pred = tf.matmul(state, w_out) + b_out
"""),
    code(f"""
%%scopes rnn --graph
with tf.variable_scope('rnn') as scope:
    sess = tf.Session()
    train_rnn = RNN(train_config)
    scope.reuse_variables()
    test_rnn = RNN(test_config)
    sess.run(tf.global_variables_initializer())
sess.close()
{TF_SAYS}
"""),
    md("""
`rnn/cell/recurrent` is created at the first time step of the train RNN and reused at
every other step of both RNNs; the input and output layers are shared by the two.
"""),
]

EAGER_PITFALL = [
    md("""
# TF1 → TF2: `reuse=True` is silently ignored under eager execution

TF1 code that shares weights through `variable_scope(reuse=...)` runs under TF2's eager
execution without an error, but every `get_variable` call makes a **new** variable.
`%%scopes` flags it with an `eager-reuse-ignored` warning.
"""),
    code("""
%load_ext jupyter_scope
import tensorflow as tf


def shared_dense(x):
    with tf.compat.v1.variable_scope("dense", reuse=tf.compat.v1.AUTO_REUSE):
        w = tf.compat.v1.get_variable("w", [3, 2])
    return tf.matmul(x, w), w
"""),
    code("""
%%scopes eager
x = tf.ones([1, 3])
y1, w1 = shared_dense(x)
y2, w2 = shared_dense(x)
[w1 is w2, w1.name, w2.name]  # what TF says: two different variables, one name
"""),
    md("""
Two variables named `dense/w`: the second call did not reuse the first. In graph mode
(TF1 semantics) the same code shares the variable:
"""),
    code("""
%%scopes graph --graph
x = tf.ones([1, 3])
y1, w1 = shared_dense(x)
y2, w2 = shared_dense(x)
[w1 is w2, w1.name, w2.name]
"""),
    md("""
To share weights in TF2, keep the variable objects (a `tf.Module` or a Keras layer), or
wrap the TF1-style code with `tf.compat.v1.keras.utils.track_tf1_style_variables`.
"""),
]

KERAS = [
    md("""
# A Keras 3 model: the per-layer variable tree

`%%scopes` shows each layer's variables with shapes, parameter counts and bytes per
scope, and the ops that a `tf.function` call adds.
"""),
    code("""
%load_ext jupyter_scope
import keras
import tensorflow as tf
"""),
    code("""
%%scopes keras_model
model = keras.Sequential(
    [
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(8, 3, activation="relu", name="conv"),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(10, name="logits"),
    ],
    name="mnist",
)
{w.path: list(w.shape) for w in model.weights}  # what Keras says
"""),
    code("""
model.count_params()
"""),
    code("""
@tf.function
def predict(images):
    return model(images)
"""),
    code("""
%%scopes traced --filter logits
predict(tf.zeros([2, 28, 28, 1])).shape
"""),
]

DEVICES = [
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
(soft placement is on by default in TF 2): a variable and 100 additions, one warning
for the scope.
`meta["devices"]` lists the physical and logical devices TF saw.
"""),
    code("""
%%scopes eager
with tf.name_scope("cpu1"), tf.device("/CPU:1"):
    a = tf.constant([1.0, 2.0]) * 2.0
with tf.name_scope("tower"), tf.device("/GPU:0"):
    v = tf.Variable(tf.ones([2]), name="on_gpu")
    b = tf.constant([1.0, 2.0])
    for _ in range(100):
        b = b + v
{"a": a.device, "b": b.device, "v": v.device}  # what TF says
"""),
    code("""
[(d["kind"], d["name"]) for d in eager.meta["devices"]], [d["message"] for d in eager.diagnostics]
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

EXPORT_AND_DIFF = [
    md("""
# Export a report and diff two

Reports are kept in `jupyter_scope.reports` and in the variable named on the magic line;
`%scopes_export` writes one as JSON, GraphML, DOT, standalone HTML, Markdown or CSV, and
`%scopes_diff` shows what two reports share and what changed.
"""),
    code(SETUP_TF1),
    code("""
def mlp(x, sizes):
    for i, size in enumerate(sizes):
        with tf.variable_scope(f"layer{i}"):
            w = tf.get_variable("w", [x.shape[-1], size])
            b = tf.get_variable("b", [size], initializer=tf.zeros_initializer())
            x = tf.nn.relu(tf.matmul(x, w) + b)
    return x
"""),
    code("""
%%scopes before --graph
mlp(tf.placeholder(tf.float32, [None, 8]), [16, 4])
"""),
    code("""
%%scopes after --graph
mlp(tf.placeholder(tf.float32, [None, 8]), [16, 32, 4])
"""),
    code("""
%scopes_diff before after
"""),
    code("""
for suffix in ["json", "graphml", "dot", "html", "md", "csv"]:
    %scopes_export before before.{suffix} --force
%scopes_export after.json --force
"""),
    code("""
import pathlib

from jupyter_scope import ScopeReport

reread = ScopeReport.from_json(pathlib.Path("before.json").read_text())
[reread.to_dict() == before.to_dict(), sorted(p.name for p in pathlib.Path().glob("before.*"))]
"""),
]

CHECKPOINTS = [
    md("""
# Fine-tuning from a checkpoint

A checkpoint holds variables by name. Fine-tuning loads it into a model whose scope was
renamed and whose classifier was changed, and `init_from_checkpoint` needs an
`assignment_map` pairing the two. `%%scopes --checkpoint` shows the model's tree coloured
by match state: matched, renamed, missing, only in the checkpoint, or of another shape.
"""),
    code("""
%load_ext jupyter_scope
import keras
import tensorflow as tf
import tf_slim as slim

import jupyter_scope

v1 = tf.compat.v1


def net(images, num_classes, scope):
    with v1.variable_scope(scope):
        x = slim.conv2d(images, 8, [3, 3], scope="conv1")
        x = slim.fully_connected(slim.flatten(x), 16, scope="fc1")
        return slim.fully_connected(x, num_classes, activation_fn=None, scope="logits")
"""),
    md("""
## The pretrained checkpoint: a TF1 net of 10 classes, under `pretrained/`
"""),
    code("""
with tf.Graph().as_default():
    net(v1.placeholder(tf.float32, [None, 8, 8, 1]), 10, "pretrained")
    with v1.Session() as session:
        session.run(v1.global_variables_initializer())
        prefix = v1.train.Saver().save(session, "ckpt/pretrained.ckpt")
tf.train.list_variables(prefix)  # what TF says
"""),
    md("""
`jupyter_scope.load` reads it as a report, without running any code:
"""),
    code("""
jupyter_scope.load(prefix)
"""),
    md("""
## The fine-tuned model: renamed to `finetune/`, with a classifier of 3 classes

The second output is the match: the rename is found, `logits` differs in shape.
"""),
    code("""
%%scopes finetune --graph --checkpoint ckpt/pretrained.ckpt
graph = v1.get_default_graph()
logits = net(v1.placeholder(tf.float32, [None, 8, 8, 1]), 3, "finetune")
"""),
    md("""
The match pairs the checkpoint's names with the model's; its `assignment_map` leaves out
the pairs whose shapes differ, which TF would refuse to restore.
"""),
    code("""
match = finetune.match(jupyter_scope.load(prefix))
match.assignment_map
"""),
    code("""
with graph.as_default():
    v1.train.init_from_checkpoint(prefix, match.assignment_map)
    variables = {v.op.name: v for v in v1.global_variables()}
    with v1.Session() as session:
        session.run(v1.global_variables_initializer())
        restored = session.run({name: variables[name] for name in match.assignment_map.values()})
reader = tf.train.load_checkpoint(prefix)
{  # what TF says: each restored value equals the checkpoint's
    name: bool((restored[name] == reader.get_tensor(key)).all())
    for key, name in match.assignment_map.items()
}
"""),
    md("""
## A Keras model and an object-based `tf.train.Checkpoint`

Its variables are matched by the object graph the checkpoint keeps. The fine-tuned model
adds an `adapter` layer, which the checkpoint does not have.
"""),
    code("""
def classifier(*layers):
    dense = [keras.layers.Dense(units, name=name) for name, units in layers]
    return keras.Sequential([keras.Input((4,)), *dense], name="net")


keras_prefix = tf.train.Checkpoint(model=classifier(("hidden", 8), ("head", 10))).write(
    "ckpt/keras"
)
"""),
    code("""
%%scopes keras_finetune --checkpoint ckpt/keras
model = classifier(("hidden", 8), ("head", 10), ("adapter", 3))
"""),
    code("""
keras_match = keras_finetune.match(jupyter_scope.load(keras_prefix))
tf.train.Checkpoint(model=model).restore(keras_prefix).expect_partial()
reader = tf.train.load_checkpoint(keras_prefix)
weights = {w.path: w.numpy() for w in model.weights}
{  # what TF says: restore put the checkpoint's values where the map says
    name: bool((weights[name] == reader.get_tensor(key)).all())
    for key, name in keras_match.assignment_map.items()
}
"""),
    md("""
`match.export("match.html")` writes the coloured tree as a standalone page (and `.md`,
`.csv`, `.dot`, `.graphml` as the report exports do); `match.export("match.json")` the
match itself.
"""),
]

NOTEBOOKS = {
    "01_sharing_variables.ipynb": SHARING_VARIABLES,
    "02_gan_and_rnn_sharing.ipynb": GAN_AND_RNN,
    "03_tf2_eager_pitfall.ipynb": EAGER_PITFALL,
    "04_keras_model.ipynb": KERAS,
    "05_devices.ipynb": DEVICES,
    "06_export_and_diff.ipynb": EXPORT_AND_DIFF,
    "07_checkpoints.ipynb": CHECKPOINTS,
}


def write(filename: str, cells: list) -> None:
    """Write one notebook beside this file, with stable cell ids (clean diffs)."""
    notebook = new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
    )
    for i, cell in enumerate(notebook.cells):
        cell.id = f"{Path(filename).stem}-{i}"
    nbformat.validate(notebook)
    nbformat.write(notebook, HERE / filename)


def main() -> None:
    for filename, cells in NOTEBOOKS.items():
        write(filename, cells)


if __name__ == "__main__":
    main()

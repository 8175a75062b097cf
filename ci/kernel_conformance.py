#!/usr/bin/env python3
"""Jupyter's own kernel conformance suite (jupyter_kernel_test.KernelTests) against the embedlab kernel.

    python3 ci/kernel_conformance.py [-v]                          # the embedlab kernel (this checkout)
    EMBEDLAB_CONFORMANCE_KERNEL=plain python3 ci/kernel_conformance.py -v   # plain tslab, for comparison

Needs Debian's python3-jupyter-kernel-test and jupyter-client (or `pip install jupyter_kernel_test`), a
built checkout (`npm run build`) and node. The kernel is registered in a temporary JUPYTER_PATH /
JUPYTER_DATA_DIR that is removed afterwards: nothing is written to the user's Jupyter directories.
EMBEDLAB_CONFORMANCE_KERNEL=name runs an already registered kernel of that name instead.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import jupyter_kernel_test
from jupyter_client.manager import start_new_kernel

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NODE = os.environ.get("NODE", shutil.which("node") or "node")
WHICH = os.environ.get("EMBEDLAB_CONFORMANCE_KERNEL", "embedlab")
STARTUP_TIMEOUT = float(os.environ.get("EMBEDLAB_CONFORMANCE_STARTUP_S", "120"))

_tmp = None


def register_kernel():
    """Register the kernel under test in a temporary Jupyter path; returns its name."""
    global _tmp
    if WHICH not in ("embedlab", "plain"):
        return WHICH  # a kernel registered by the caller
    _tmp = tempfile.mkdtemp(prefix="embedlab-conformance-")
    os.environ["JUPYTER_PATH"] = os.path.join(_tmp, "share", "jupyter")
    os.environ["JUPYTER_DATA_DIR"] = os.path.join(_tmp, "data")
    os.environ["JUPYTER_RUNTIME_DIR"] = os.path.join(_tmp, "runtime")
    name = "embedlab-conformance" if WHICH == "embedlab" else "tslab-plain-conformance"
    if WHICH == "embedlab":
        subprocess.run(
            [NODE, os.path.join(ROOT, "kernel-ext", "dist", "install.js"), "--prefix", _tmp, "--name", name],
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
    else:
        # What `tslab install` registers, with this checkout's tslab and no embedlab preload.
        d = os.path.join(_tmp, "share", "jupyter", "kernels", name)
        os.makedirs(d)
        tslab = os.path.join(ROOT, "node_modules", "tslab", "bin", "tslab")
        spec = {
            "argv": [NODE, tslab, "kernel", "--config-path", "{connection_file}"],
            "display_name": "TypeScript (plain tslab)",
            "language": "typescript",
        }
        with open(os.path.join(d, "kernel.json"), "w") as f:
            json.dump(spec, f)
    return name


def tearDownModule():
    if _tmp:
        shutil.rmtree(_tmp, ignore_errors=True)


class EmbedlabKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = register_kernel()
    language_name = "typescript"
    file_extension = ".ts"

    @classmethod
    def setUpClass(cls):
        # tslab starts a TypeScript compiler: give it longer than jupyter_client's 60 s on a busy machine.
        cls.km, cls.kc = start_new_kernel(kernel_name=cls.kernel_name, startup_timeout=STARTUP_TIMEOUT, cwd=ROOT)

    code_hello_world = 'console.log("hello, world");'
    code_stderr = 'console.error("something went wrong");'

    completion_samples = [
        {"text": "Math.ab", "matches": {"abs"}},
        {"text": "const conformanceValue = 1;\nconformanceV", "matches": {"conformanceValue"}},
    ]

    complete_code_samples = ["1", "const a = 1;", "function f(x: number) {\n  return x;\n}", "if (a) {\n}"]
    incomplete_code_samples = ["function f(x: number) {", "const b = [1, 2,", "if (a) {\n  f(1);"]
    invalid_code_samples = ["}}}", "const c = 1;)", "]"]

    code_generate_error = 'throw new RangeError("conformance failure");'

    code_execute_result = [
        {"code": "6*7", "result": "42"},
        {"code": "const s = 'a' + 'b';\ns", "result": "'ab'"},
        {"code": "[1, 2, 3].map((x) => x * 2)", "result": "[ 2, 4, 6 ]"},
    ]

    code_display_data = [
        {"code": 'import * as tslab from "tslab";\ntslab.display.html("<b>bold</b>");', "mime": "text/html"},
        {"code": 'tslab.display.markdown("**bold**");', "mime": "text/markdown"},
    ]

    code_history_pattern = "6*7"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Math.max"

    @unittest.skip("not applicable: a TypeScript kernel sends no pager payloads (`?` help is IPython's)")
    def test_pager(self):
        pass

    @unittest.skip("not applicable: tslab's display API has no clear_output")
    def test_clear_output(self):
        pass


if __name__ == "__main__":
    unittest.main()

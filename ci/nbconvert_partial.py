# Config for `jupyter nbconvert --execute --config ci/nbconvert_partial.py ...`: nbconvert writes no
# notebook when a cell fails (CellExecutionError is raised before anything is written), so the failing
# cell's error output is lost. With this config the executed notebook, as far as it got (error output of
# the failing cell included), is also written to $EMBEDLAB_PARTIAL_NOTEBOOK, whether or not a cell failed.
import os

import nbformat
from nbconvert.preprocessors import ExecutePreprocessor

_preprocess = ExecutePreprocessor.preprocess


def _preprocess_and_keep(self, nb, resources=None, km=None):
    try:
        return _preprocess(self, nb, resources, km)
    finally:
        path = os.environ.get("EMBEDLAB_PARTIAL_NOTEBOOK")
        if path:
            nbformat.write(nb, path)  # executed in place: the cells run so far, with their outputs


if not getattr(ExecutePreprocessor, "_embedlab_keeps_partial", False):
    ExecutePreprocessor.preprocess = _preprocess_and_keep
    ExecutePreprocessor._embedlab_keeps_partial = True

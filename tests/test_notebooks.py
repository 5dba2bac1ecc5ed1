"""Every notebook runs top to bottom as a test, as `nbdev_test` runs it (`.ci/nbrun.py`).

Cells flagged with a `tst_flags` flag from settings.ini (`notest slow cuda`) are skipped; set
`LLMFT_TEST_FLAGS="slow cuda"` to run those too (the cuda ones need a GPU). Each executed notebook is saved under
`_exec/`, and the documentation site (`.ci/build_docs.py`) shows those outputs."""
import sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT/'.ci'))
from nbrun import run_notebook

NBS = sorted(p for p in (ROOT/'nbs').rglob('*.ipynb')
             if not any(part.startswith(('_', '.')) for part in p.relative_to(ROOT/'nbs').parts))

@pytest.mark.parametrize('nb', NBS, ids=[str(p.relative_to(ROOT/'nbs')) for p in NBS])
def test_notebook(nb):
    ok, secs, err = run_notebook(nb)
    assert ok, f'{nb.name} failed:\n{err}'

def test_notebooks_found():
    names = {p.name for p in NBS}
    assert {'index.ipynb', '00_config.ipynb', '01_catalog.ipynb', '01a_hardware.ipynb', '08_cli.ipynb',
            '97_test_utils.ipynb'} <= names

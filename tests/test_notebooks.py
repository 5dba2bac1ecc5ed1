"""Every notebook runs top to bottom as a test, through nbdev's own machinery (`nbdev.test.test_nb`).

Cells flagged with a `tst_flags` flag from settings.ini (`notest slow cuda`) are skipped; set
`LLMFT_TEST_FLAGS="slow cuda"` to run those too (the cuda ones need a GPU)."""
import os
from pathlib import Path
import pytest
from nbdev.config import get_config
from nbdev.test import test_nb as run_nb

ROOT = Path(__file__).resolve().parents[1]
NBS = sorted(p for p in (ROOT/'nbs').rglob('*.ipynb')
             if not any(part.startswith(('_', '.')) for part in p.relative_to(ROOT/'nbs').parts))

def _flags():
    cfg = get_config(path=ROOT)
    skip = cfg.get('tst_flags', '').split()
    force = os.environ.get('LLMFT_TEST_FLAGS', '').split()
    return skip, force

@pytest.mark.parametrize('nb', NBS, ids=[str(p.relative_to(ROOT/'nbs')) for p in NBS])
def test_notebook(nb):
    skip, force = _flags()
    ok, secs = run_nb(nb, skip_flags=skip, force_flags=force, basepath=ROOT)
    assert ok, f'{nb.name} failed (the traceback is in the captured stderr above)'

def test_notebooks_found():
    names = {p.name for p in NBS}
    assert {'index.ipynb', '00_config.ipynb', '01_catalog.ipynb', '01a_hardware.ipynb', '08_cli.ipynb', '97_test_utils.ipynb'} <= names

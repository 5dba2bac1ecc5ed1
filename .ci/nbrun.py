"""Run a notebook as `nbdev_test` does (cells flagged with a skipped `tst_flags` flag are not run) and keep its outputs.

`tests/test_notebooks.py` runs every notebook through `run_notebook` and saves the executed copy under `_exec/`;
`.ci/build_docs.py` puts those outputs on the documentation site, so every result the site shows comes from a real run
(the test run, or the docs build itself when a notebook changed since)."""
import hashlib, json, os, sys, time
from pathlib import Path
from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell
from fastcore.xtras import working_directory
from nbdev.config import get_config
from nbdev.frontmatter import FrontmatterProc
from nbdev.process import NBProcessor, nb_lang

ROOT = Path(__file__).resolve().parents[1]
EXEC = ROOT/'_exec'

def flags():
    "Skipped and forced cell flags: `tst_flags` from settings.ini, and `LLMFT_TEST_FLAGS` to run some of them anyway."
    return get_config(path=ROOT).get('tst_flags', '').split(), os.environ.get('LLMFT_TEST_FLAGS', '').split()

def source_hash(path) -> str:
    "A hash of a notebook's cell types and sources: its executed copy is current while this is unchanged."
    cells = json.loads(Path(path).read_text(encoding='utf-8'))['cells']
    return hashlib.sha1(json.dumps([(c['cell_type'], ''.join(c['source'])) for c in cells]).encode()).hexdigest()

def exec_path(path) -> Path:
    "Where the executed copy of notebook `path` is kept."
    return EXEC/Path(path).resolve().relative_to(ROOT/'nbs')

def run_notebook(path, skip=None, force=None, save:bool=True):
    "Run notebook `path` top to bottom (as `nbdev.test.test_nb`); returns `(ok, seconds, error text)` and saves outputs."
    path = Path(path).resolve()
    if skip is None: skip, force = flags()
    todo_skip = set(skip) - set(force or [])
    if str(ROOT) not in sys.path: sys.path.insert(0, str(ROOT))
    os.environ['IN_TEST'] = '1'
    nb = NBProcessor(path, procs=FrontmatterProc, process=True).nb
    if nb_lang(nb) != 'python': return True, 0.0, ''
    def _no_eval(cell):
        if cell.cell_type != 'code' or 'nbdev_export' + '(' in cell.source: return True
        d = getattr(cell, 'directives_', {}) or {}
        if d.get('eval:', [''])[0].lower() == 'false': return True
        return todo_skip & d.keys()
    t0, k, err = time.time(), CaptureShell(path), ''
    try:
        with working_directory(path.parent): k.run_all(nb, exc_stop=True, preproc=_no_eval)
        ok = True
    except Exception:
        ok, err = False, k.prettytb(fname=path)
    if save and ok:
        out = exec_path(path); out.parent.mkdir(parents=True, exist_ok=True)
        nb.metadata['llmft'] = {'source_hash': source_hash(path)}
        tmp = out.with_suffix('.tmp'); write_nb(nb, tmp); os.replace(tmp, out)
    return ok, time.time() - t0, err

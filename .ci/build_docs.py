"""Build the documentation site offline: nbdev's notebook processing, the notebooks' outputs, then smalldocs.

`make docs` runs this. It is `nbdev_proc_nbs` without its attempt to download and install Quarto, then the outputs of
a real run of each notebook are put into the processed copies (nbdev's processing executes only the cells that
`show_doc` needs), then `smalldocs render` (a pure-Python Quarto renderer). The outputs come from the copies the test
run saved in `_exec/` (`tests/test_notebooks.py`) when they are current, else the notebook is run here (`.ci/nbrun.py`).
Users with Quarto installed can run `nbdev_docs` instead; both read `_quarto.yml`."""
import json, shutil, subprocess, sys
from pathlib import Path
from nbdev.config import get_config
from nbdev.quarto import refresh_quarto_yml, nbdev_sidebar
from nbdev.serve import proc_nbs
sys.path.insert(0, str(Path(__file__).parent))
from nbrun import exec_path, run_notebook, source_hash

KEEP = ('text/html', 'image/png', 'image/svg+xml', 'text/markdown', 'text/plain')

def _shown(outputs:list) -> list:
    "The outputs a reader should see: printed text, results, tables and images; warnings and progress bars on stderr are left out."
    keep = []
    for o in outputs:
        if o.get('output_type') == 'stream' and o.get('name') != 'stdout': continue
        if o.get('output_type') == 'error': continue
        if 'data' in o:
            data = {k: v for k, v in o['data'].items() if k in KEEP}
            if not data: continue
            o = {**o, 'data': data}
        keep.append(o)
    return keep

def add_outputs(proc_nb:Path, src_nb:Path) -> int:
    "Copy the outputs of a current executed copy of `src_nb` (running it if there is none) into `proc_nb`; returns cells filled."
    ex = exec_path(src_nb)
    fresh = ex.is_file() and json.loads(ex.read_text()).get('metadata', {}).get('llmft', {}).get('source_hash') == source_hash(src_nb)
    if not fresh:
        ok, _, err = run_notebook(src_nb)
        if not ok: raise RuntimeError(f'{src_nb} failed while building the docs:\n{err}')
    outs = {c.get('id'): c.get('outputs', []) for c in json.loads(ex.read_text())['cells'] if c['cell_type'] == 'code'}
    nb, n = json.loads(proc_nb.read_text()), 0
    for c in nb['cells']:
        if c['cell_type'] == 'code' and not c.get('outputs') and (o := _shown(outs.get(c.get('id'), []))):
            c['outputs'] = o; n += 1
    proc_nb.write_text(json.dumps(nb, indent=1))
    return n

def build(n_workers:int=1) -> Path:
    cfg = get_config()
    root, out = cfg.config_path, cfg.config_path/cfg.doc_path.name
    refresh_quarto_yml()                   # nbs/nbdev.yml from settings.ini; nbs/_quarto.yml links to ../_quarto.yml
    nbdev_sidebar.__wrapped__(path=cfg.nbs_path)
    shutil.rmtree(root/'_proc', ignore_errors=True)
    proc_nbs(cfg.nbs_path, n_workers=n_workers, force=True)   # executes show_doc cells into _proc/
    for p in sorted((root/'_proc').rglob('*.ipynb')):
        src = cfg.nbs_path/p.relative_to(root/'_proc')
        if src.is_file(): add_outputs(p, src)
    subprocess.run([Path(sys.executable).parent/'smalldocs', 'render', '--quiet', str(root/'_proc')], check=True)
    shutil.rmtree(out, ignore_errors=True)
    shutil.move(root/'_proc'/cfg.doc_path.name, out)
    return out

if __name__ == '__main__': print(f'site written to {build()}/index.html')

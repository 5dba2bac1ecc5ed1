"""Build the documentation site offline: nbdev's notebook processing, then smalldocs (a pure-Python Quarto renderer).

`make docs` runs this. It is `nbdev_proc_nbs` without its attempt to download and install Quarto, followed by
`smalldocs render`. Users with Quarto installed can run `nbdev_docs` instead; both read `_quarto.yml`."""
import shutil, subprocess, sys
from pathlib import Path
from nbdev.config import get_config
from nbdev.quarto import refresh_quarto_yml, nbdev_sidebar
from nbdev.serve import proc_nbs

def build(n_workers:int=1) -> Path:
    cfg = get_config()
    root, out = cfg.config_path, cfg.config_path/cfg.doc_path.name
    refresh_quarto_yml()                   # nbs/nbdev.yml from settings.ini; nbs/_quarto.yml links to ../_quarto.yml
    nbdev_sidebar.__wrapped__(path=cfg.nbs_path)
    shutil.rmtree(root/'_proc', ignore_errors=True)
    proc_nbs(cfg.nbs_path, n_workers=n_workers, force=True)   # executes show_doc cells into _proc/
    subprocess.run([Path(sys.executable).parent/'smalldocs', 'render', '--quiet', str(root/'_proc')], check=True)
    shutil.rmtree(out, ignore_errors=True)
    shutil.move(root/'_proc'/cfg.doc_path.name, out)
    return out

if __name__ == '__main__': print(f'site written to {build()}/index.html')

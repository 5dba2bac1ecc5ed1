"README.md is the home page (nbs/index.ipynb) in Markdown: every visible cell of the notebook appears in it."
import json, re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def _norm(s): return re.sub(r'\s+', ' ', s).strip()

def test_readme_matches_index():
    readme = _norm((ROOT/'README.md').read_text(encoding='utf-8'))
    cells = json.loads((ROOT/'nbs'/'index.ipynb').read_text(encoding='utf-8'))['cells']
    for c in cells:
        src = ''.join(c['source'])
        if src.startswith('#| hide') or not src.strip(): continue
        assert _norm(src) in readme, f'README.md is missing this cell of nbs/index.ipynb:\n{src}'

"""What a built llmft holds: `llmft doctor` compares installed versions with constraints.txt, which a build copies into
the package (setup.py); the repository's file stays the only one written by hand."""
import json, shutil, subprocess, sys, tarfile, zipfile
from pathlib import Path
from llmft.doctor import tested_versions as pins_of  # (a name pytest does not collect)

ROOT = Path(__file__).resolve().parents[1]

def _build(src:Path, hook:str, out:Path) -> Path:
    "Run setuptools' PEP 517 `hook` (build_sdist or build_wheel) in `src`, as pip or `python -m build` would."
    code = f'from setuptools import build_meta as b; print(b.{hook}({str(out)!r}))'
    r = subprocess.run([sys.executable, '-c', code], cwd=src, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return out/r.stdout.strip().splitlines()[-1]

def test_built_package_ships_the_tested_set(tmp_path):
    "sdist, then a wheel from it (the `python -m build` path): the wheel holds constraints.txt, and doctor reads it."
    src = tmp_path/'checkout'   # a copy, so that the build leaves nothing (build/, *.egg-info) in the repository
    src.mkdir()
    for f in ('setup.py', 'settings.ini', 'pyproject.toml', 'README.md', 'constraints.txt', 'MANIFEST.in'):
        shutil.copy(ROOT/f, src/f)
    shutil.copytree(ROOT/'llmft', src/'llmft', ignore=shutil.ignore_patterns('__pycache__', 'constraints.txt'))
    sdist = _build(src, 'build_sdist', tmp_path/'dist')
    with tarfile.open(sdist) as t:
        t.extractall(tmp_path/'sdist', filter='data')
        top = tmp_path/'sdist'/t.getnames()[0].split('/')[0]
    assert (top/'constraints.txt').is_file() and (top/'settings.ini').is_file()
    wheel = _build(top, 'build_wheel', tmp_path/'wheel')
    with zipfile.ZipFile(wheel) as z:
        assert z.read('llmft/constraints.txt') == (ROOT/'constraints.txt').read_bytes()
        z.extractall(tmp_path/'site')
    code = ('import json, llmft; from llmft.doctor import _checkout, constraints_text, tested_versions; '
            'print(json.dumps([llmft.__file__, _checkout(), tested_versions(constraints_text())]))')
    r = subprocess.run([sys.executable, '-c', code], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                       env={'PYTHONPATH': str(tmp_path/'site'), 'PATH': '/usr/bin:/bin'})
    assert r.returncode == 0, r.stderr[-3000:]
    where, checkout, tested = json.loads(r.stdout.splitlines()[-1])
    assert Path(where).parent == tmp_path/'site'/'llmft' and checkout is None   # the installed package, no checkout
    assert tested['transformers'] and tested == pins_of((ROOT/'constraints.txt').read_text(encoding='utf-8'))

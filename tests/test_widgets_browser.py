"""The ConfigForm in a real browser: Voila serves a notebook holding the form on 127.0.0.1, and playwright-core drives
Debian's chromium to change a field and read the YAML preview and the error message.

Needs `chromium`, `node` and `npm install --prefix tests/browser`; skipped without them, except under CI (`CI=true`),
where `.ci/run` installs them and their absence is a failure."""
import os, shutil, socket, subprocess, sys, time
from pathlib import Path
import pytest

HERE = Path(__file__).resolve().parent/'browser'

def _need(what, ok):
    if ok: return
    if os.environ.get('CI'): pytest.fail(f'{what} is missing under CI: .ci/run should have installed it')
    pytest.skip(f'{what} is not available here')

def test_config_form_in_browser(tmp_path):
    chrome = shutil.which('chromium') or shutil.which('chromium-browser')
    _need('chromium', chrome)
    _need('node', shutil.which('node'))
    _need('playwright-core (npm install --prefix tests/browser)', (HERE/'node_modules'/'playwright-core').is_dir())
    voila = Path(sys.executable).parent/'voila'
    _need('voila', voila.exists())
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); port = s.getsockname()[1]
    server = subprocess.Popen([str(voila), '--no-browser', f'--port={port}', '--Voila.ip=127.0.0.1', str(HERE/'config_form.ipynb')],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for _ in range(120):
            with socket.socket() as s:
                if s.connect_ex(('127.0.0.1', port)) == 0: break
            time.sleep(0.5)
        shot = tmp_path/'form.png'
        r = subprocess.run(['node', str(HERE/'config_form.mjs'), f'http://127.0.0.1:{port}/', str(shot), chrome],
                           capture_output=True, text=True, timeout=400)
        assert r.returncode == 0, r.stdout + r.stderr
        assert '"ok":true' in r.stdout
        from PIL import Image
        im = Image.open(shot).convert('L')
        lo, hi = im.getextrema()
        assert hi - lo > 100 and sum(1 for n in im.resize((64, 48)).histogram() if n) > 10, 'the screenshot is blank'
    finally:
        server.terminate()
        try: server.wait(timeout=20)
        except subprocess.TimeoutExpired: server.kill()

"""`bench/gpu_smoke.py` is for a GPU (Colab, Kaggle); `--cpu` runs the same script here, so it cannot rot unseen."""
import subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]

def test_gpu_smoke_runs_its_checks_on_a_cpu():
    import torch
    if torch.cuda.is_available(): pytest.skip('a GPU is here: run bench/gpu_smoke.py itself')
    r = subprocess.run([sys.executable, str(ROOT/'bench'/'gpu_smoke.py'), '--cpu', '--steps', '8', '--persona', 'T4'],
                       capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    status = {l[6:34].strip(): l[:4] for l in r.stdout.splitlines() if l[:4] in ('PASS', 'FAIL', 'SKIP')}
    for name in ('decisions', 'persona decisions', 'lora sft (plain)', 'merge as trained', 'inference on the gpu',
                 'packed rows stay apart'):
        assert status.get(name) == 'PASS', (name, r.stdout[-3000:])
    assert 'T4: fp16, sdpa, float16' in r.stdout
    r = subprocess.run([sys.executable, str(ROOT/'bench'/'gpu_smoke.py')], capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and 'no CUDA GPU here' in r.stderr

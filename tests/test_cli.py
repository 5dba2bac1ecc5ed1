"The `llmft` console script, run as a user runs it: in a subprocess."
import os, shutil, subprocess, sys
from pathlib import Path
import pytest

def llmft(*args, timeout=600):
    exe = Path(sys.executable).parent/'llmft'
    exe = str(exe) if exe.exists() else shutil.which('llmft')
    assert exe, 'the llmft console script is not installed: pip install -e .'
    return subprocess.run([exe, *args], capture_output=True, text=True, timeout=timeout)

def test_help():
    r = llmft('--help')
    assert r.returncode == 0
    for cmd in ('models', 'check', 'demo'): assert cmd in r.stdout

def test_models_marks_bundled():
    r = llmft('models')
    assert r.returncode == 0
    line = next(l for l in r.stdout.splitlines() if l.startswith('smollm2-135m-instruct'))
    assert 'bundled' in line

def test_check_good_config(tmp_path):
    cfg = tmp_path/'good.yaml'
    cfg.write_text('model_name_or_path: smollm2-135m-instruct\nfinetuning_type: lora\nlora_rank: 16\nlearning_rate: 1e-4\n')
    r = llmft('check', str(cfg), 'lora_alpha=8')
    assert r.returncode == 0, r.stderr
    assert 'config OK' in r.stdout and 'lora r16 alpha 8' in r.stdout

def test_check_bad_config_names_every_problem(tmp_path):
    cfg = tmp_path/'bad.yaml'
    cfg.write_text('lerning_rate: 1e-4\nlora_rank: -4\n')
    r = llmft('check', str(cfg), 'finetuning_type=full', 'quantization_bit=4')
    assert r.returncode == 1
    assert "lerning_rate: unknown key; did you mean 'learning_rate'?" in r.stderr
    assert 'lora_rank: must be at least 1, got -4' in r.stderr
    assert 'quantization_bit:' in r.stderr
    assert 'Traceback' not in r.stderr

def test_check_refuses_gpu_only_options_on_cpu():
    import torch
    if torch.cuda.is_available(): pytest.skip('this machine has a GPU')
    r = llmft('check', 'bf16=true', 'use_unsloth=true')
    assert r.returncode == 1
    assert 'bf16:' in r.stderr and 'use_unsloth:' in r.stderr

def test_check_missing_file():
    r = llmft('check', 'no_such_config.yaml')
    assert r.returncode == 1 and 'config file not found' in r.stderr and 'Traceback' not in r.stderr

def test_demo_answers_offline():
    r = llmft('demo', '--max-new-tokens', '24', timeout=900)
    assert r.returncode == 0, r.stderr
    assert 'Paris' in r.stdout
    assert r.stdout.count('> ') >= 3

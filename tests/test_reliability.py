"""`llmft train` as the OOM killer, a Colab reset, a second terminal and Ctrl-C meet it: real processes, killed at
exact moments. `LLMFT_TEST_PAUSE_AT=POINT:FILE` makes a run write its pid to FILE and wait at POINT (see
`llmft.trainer._pause_point`), so a test can kill it there."""
import json, os, re, signal, subprocess, sys, time
from pathlib import Path
import pytest

EXE = str(Path(sys.executable).parent/'llmft')
ENV = {**os.environ, 'OMP_NUM_THREADS': '1'}  # tiny models: one thread each is fastest on a shared machine
RUN = ['dataset=alpaca_sample', 'cutoff_len=64', 'per_device_train_batch_size=1', 'gradient_accumulation_steps=1',
       'max_steps=4', 'save_steps=2', 'save_total_limit=5', 'logging_steps=1', 'lora_rank=4', 'learning_rate=1e-3']

@pytest.fixture(scope='module')
def base(tmp_path_factory):
    from llmft.test_utils import tiny_model_dir
    return tiny_model_dir(tmp_path_factory.mktemp('tiny')/'base')

def train(base, out, *extra):
    "Run `llmft train` on the tiny model to completion."
    return subprocess.run([EXE, 'train', f'model_name_or_path={base}', *RUN, f'output_dir={out}', *extra],
                          capture_output=True, text=True, timeout=300, env=ENV)

def _as_in_a_terminal():
    "Ctrl-C reaches the run as in a terminal, even when this test runs with SIGINT ignored (a background job)."
    signal.signal(signal.SIGINT, signal.SIG_DFL)

def start_paused(base, out, point, tmp_path, *extra):
    "Start `llmft train` and wait until it stands still at `point`; returns the process."
    flag = tmp_path/f'paused-{point}'
    env = {**ENV, 'LLMFT_TEST_PAUSE_AT': f'{point}:{flag}'}
    p = subprocess.Popen([EXE, 'train', f'model_name_or_path={base}', *RUN, f'output_dir={out}', *extra],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, preexec_fn=_as_in_a_terminal)
    for _ in range(2400):
        if flag.exists() and flag.read_text().strip() == str(p.pid): return p
        if p.poll() is not None: pytest.fail(f'the run ended before {point}: {p.stderr.read()[-3000:]}')
        time.sleep(0.05)
    p.kill(); pytest.fail(f'the run did not reach {point}')

def kill9(p):
    p.send_signal(signal.SIGKILL); p.communicate(timeout=60)
    assert p.returncode == -signal.SIGKILL

def last_line(err):
    "The last line llmft printed (progress bars redraw with carriage returns around it)."
    return re.findall(r'llmft \w+: [^\r\n]*', err)[-1]

def check_complete(out, steps=4):
    "A finished folder: the right step count, outputs and every checkpoint load, no staging or lock left."
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer
    res = json.loads((out/'train_results.json').read_text())
    assert res['train_steps'] == steps
    assert max(json.loads(l)['step'] for l in open(out/'trainer_log.jsonl')) == steps  # never past max_steps
    assert not (out/'.partial').exists() and not (out/'.llmft.lock').exists()
    AutoTokenizer.from_pretrained(out)
    base = json.loads((out/'adapter_config.json').read_text())['base_model_name_or_path']
    for d in [out, *sorted(out.glob('checkpoint-*'))]:
        PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(base), d)
    return res

def test_second_run_refused_then_sigkill_during_a_checkpoint(base, tmp_path):
    "A second run on a busy folder is refused at once; a run killed while writing checkpoint 4 resumes from 2."
    out = tmp_path/'run'
    p = start_paused(base, out, 'checkpoint-4', tmp_path)  # checkpoint 4: model written, optimizer not yet
    second = train(base, out)
    assert second.returncode == 1
    assert last_line(second.stderr) == (f'llmft train: another llmft run (pid {p.pid}) is using {out}; wait for it '
                                        'to end, stop it, or choose another output_dir')
    kill9(p)
    assert (out/'checkpoint-2'/'trainer_state.json').is_file() and not (out/'checkpoint-4').exists()
    assert (out/'.partial'/'checkpoint-4'/'adapter_model.safetensors').is_file()  # half a checkpoint, hidden
    assert not (out/'.partial'/'checkpoint-4'/'optimizer.pt').exists() and not (out/'train_results.json').exists()
    again = train(base, out)  # the OS dropped the killed run's lock
    assert again.returncode == 0, again.stderr[-3000:]
    assert f"Resuming from {out/'checkpoint-2'}" in again.stderr
    check_complete(out)

def test_sigkill_during_the_final_save(base, tmp_path):
    """Killed while the final adapter is written: nothing looks finished; run again, it finishes with no step more
    (checkpoint 4 is at max_steps, in the middle of an epoch of 3 rows: `Trainer` alone would take a fifth step)."""
    out = tmp_path/'run'
    kill9(start_paused(base, out, 'final-save', tmp_path))
    assert (out/'checkpoint-4').is_dir()
    assert not any((out/f).exists() for f in ('adapter_model.safetensors', 'tokenizer.json', 'train_results.json'))
    again = train(base, out)
    assert again.returncode == 0, again.stderr[-3000:]
    res = check_complete(out)
    assert res['resumed_from'] == str(out/'checkpoint-4')

def test_sigkill_while_moving_the_final_outputs(base, tmp_path):
    "Killed with the final files in place but no train_results.json yet: not complete; run again, it is."
    out = tmp_path/'run'
    kill9(start_paused(base, out, 'final-move', tmp_path))
    assert (out/'adapter_model.safetensors').is_file() and not (out/'train_results.json').exists()
    again = train(base, out)
    assert again.returncode == 0, again.stderr[-3000:]
    check_complete(out)

def test_interruptions_exit_130_with_one_line(base, tmp_path):
    "Ctrl-C before training, and a second Ctrl-C while a checkpoint is written: exit 130, one line, no traceback."
    p = start_paused(base, tmp_path/'a', 'start', tmp_path)
    p.send_signal(signal.SIGINT); _, err = p.communicate(timeout=60)
    assert (p.returncode, last_line(err)) == (130, 'llmft train: interrupted before training started')
    p = start_paused(base, tmp_path/'b', 'checkpoint-2', tmp_path)
    p.send_signal(signal.SIGINT); time.sleep(1); p.send_signal(signal.SIGINT); _, err = p.communicate(timeout=60)
    assert (p.returncode, last_line(err)) == (130, 'llmft train: interrupted (second SIGINT); nothing half-written was '
                                                   'kept. Run the same command again to start over'), err[-3000:]
    assert 'Traceback' not in err and not (tmp_path/'b'/'checkpoint-2').exists()
    assert not (tmp_path/'b'/'.partial'/'checkpoint-2').exists()

def test_demo_never_empties_a_folder(tmp_path):
    "`llmft demo --output-dir DIR` on a folder holding the user's work and another program's run: refused, kept."
    d = tmp_path/'mine'; (d/'thesis').mkdir(parents=True)
    files = {'thesis/ch1.tex': 'chapter 1', 'train_results.json': '{"train_loss": 1.0}', 'README.md': 'my notes'}
    for f, text in files.items(): (d/f).write_text(text)
    r = subprocess.run([EXE, 'demo', '--output-dir', str(d)], capture_output=True, text=True, timeout=300, env=ENV)
    assert r.returncode == 1 and 'which llmft did not write' in last_line(r.stderr), r.stderr[-3000:]
    assert {f: (d/f).read_text() for f in files} == files
    assert sorted(p.name for p in d.iterdir()) == ['README.md', 'thesis', 'train_results.json']

def test_offline_hub_is_one_line(tmp_path):
    "A hub model while offline: an `OSError` deep in transformers, reported as one line; no empty folder is left."
    r = subprocess.run([EXE, 'train', 'model_name_or_path=nonexistent/model-xyz', 'dataset=alpaca_sample',
                        f"output_dir={tmp_path/'run'}"], capture_output=True, text=True, timeout=300,
                       env={**ENV, 'HF_HUB_OFFLINE': '1'})
    assert r.returncode == 1 and 'Traceback' not in r.stderr, r.stderr[-3000:]
    assert last_line(r.stderr).startswith('llmft train: ') and 'nonexistent/model-xyz' in last_line(r.stderr)
    assert not (tmp_path/'run').exists()

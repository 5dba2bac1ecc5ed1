"The `llmft` console script, run as a user runs it: in a subprocess."
import os, re, shutil, subprocess, sys
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

DOCTOR_CHECKS = {'versions', 'config', 'gpu', 'disk', 'ram', 'platform', 'trackers', 'model', 'bundled'}

def test_doctor_on_this_machine(tmp_path):
    "`llmft doctor` prints one line per check, and nothing here would stop a run: exit 0."
    r = llmft('doctor', f"output_dir={tmp_path/'out'}")
    assert r.returncode == 0, r.stdout + r.stderr
    head, *lines = r.stdout.splitlines()
    assert head.startswith('llmft doctor: nothing would stop a run'), head
    assert {l.split()[1] for l in lines} == DOCTOR_CHECKS
    assert {l.split()[0] for l in lines} <= {'ok', 'info', 'warn'}
    assert f"output_dir {tmp_path/'out'}" in r.stdout

def test_doctor_exits_1_on_what_would_stop_a_run(tmp_path):
    "bf16 on this CPU, and a config with a typo, are failures with what to do; the other checks still run."
    import torch
    if torch.cuda.is_available(): pytest.skip('this machine has a GPU')
    r = llmft('doctor', 'bf16=true')
    assert r.returncode == 1 and 'Traceback' not in r.stderr
    fails = [l for l in r.stdout.splitlines() if l.startswith('FAIL')]
    assert len(fails) == 1 and fails[0].split()[1] == 'gpu', r.stdout
    assert 'bf16: this machine (CPU) has no bf16 support -> set fp16: true' in fails[0]
    cfg = tmp_path/'typo.yaml'
    cfg.write_text('lerning_rate: 1e-4\n')
    r = llmft('doctor', str(cfg))
    assert r.returncode == 1
    assert "FAIL  config    1 problem: lerning_rate: unknown key; did you mean 'learning_rate'?" in r.stdout
    assert {l.split()[1] for l in r.stdout.splitlines()[1:]} == DOCTOR_CHECKS

def test_demo_fine_tunes_and_compares(tmp_path):
    "The main job: `llmft demo` fine-tunes the bundled model offline and the tuned model scores >= 90%."
    r = subprocess.run([str(Path(sys.executable).parent/'llmft'), 'demo', '--output-dir', str(tmp_path/'demo')],
                       capture_output=True, text=True, timeout=1200)
    assert r.returncode == 0, r.stderr[-3000:]
    scores = {l.split()[0]: [int(x.rstrip('%')) for x in l.split()[-2:]] for l in r.stdout.splitlines() if l.rstrip().endswith('%')}
    assert scores['identity'][1] >= 90 and scores['task'][1] >= 90, r.stdout
    assert scores['general'][1] == 100, r.stdout
    assert scores['identity'][0] < 50 and scores['task'][0] < 50, r.stdout   # the base model could not do it
    assert (tmp_path/'demo'/'adapter_model.safetensors').is_file() and (tmp_path/'demo'/'train_results.json').is_file()

def test_check_llamafactory_folder(tmp_path, tiny_run):
    "A LLaMA-Factory data folder (dataset_info.json + alpaca, sharegpt, OpenAI and preference files) loads unchanged."
    import shutil
    from llmft.data import bundled_data_dir
    src = bundled_data_dir()
    for f in src.iterdir(): shutil.copy(f, tmp_path/f.name)
    r = llmft('check', f"model_name_or_path={tiny_run/'base'}", f'dataset_dir={tmp_path}',
              'dataset=alpaca_sample,sharegpt_sample,openai_sample', 'cutoff_len=256')
    assert r.returncode == 0, r.stderr
    for name in ('alpaca_sample', 'sharegpt_sample', 'openai_sample'): assert f'{name} (' in r.stdout
    assert 'total:' in r.stdout and 'examples' in r.stdout
    r = llmft('check', f"model_name_or_path={tiny_run/'base'}", f'dataset_dir={tmp_path}', 'stage=dpo', 'dataset=pref_alpaca_sample,pref_sharegpt_sample')
    assert r.returncode == 0, r.stderr
    assert 'pref_alpaca_sample (' in r.stdout and 'pref_sharegpt_sample (' in r.stdout

def test_check_refuses_broken_data(tmp_path, tiny_run):
    bad = tmp_path/'broken.jsonl'
    bad.write_text('{"instruction": "a", "output": "b"}\n{"instruction": "c", "output": \n{"instruction": "d"}\n')
    r = llmft('check', f"model_name_or_path={tiny_run/'base'}", f'dataset={bad}')
    assert r.returncode == 1
    assert 'broken.jsonl' in r.stderr and 'line 2' in r.stderr and 'line 3' in r.stderr and 'Traceback' not in r.stderr

# --- hostile data and config: one clear message, exit 1, no traceback ---------------------------------------------

def _bomb(levels=9):
    "The 'billion laughs' YAML: each level repeats the previous list nine times (9 levels: about 387 million values)."
    lines, prev = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'], 'a'
    for n in 'bcdefghijk'[:levels - 1]: lines.append(f'{n}: &{n} [' + ','.join([f'*{prev}'] * 9) + ']'); prev = n
    return '\n'.join(lines + [f'model_name_or_path: *{prev}']) + '\n'

def test_check_refuses_alias_bomb_and_duplicate_keys(tmp_path):
    (tmp_path/'bomb.yaml').write_text(_bomb())
    r = llmft('check', str(tmp_path/'bomb.yaml'), timeout=120)
    assert r.returncode == 1 and 'line 2: *a repeats a list or mapping' in r.stderr and 'Traceback' not in r.stderr
    assert len(r.stderr) < 500
    (tmp_path/'twice.yaml').write_text('lora_rank: 4\nlearning_rate: 1.0e-4\nlora_rank: 64\n')
    r = llmft('check', str(tmp_path/'twice.yaml'))
    assert r.returncode == 1 and f"lora_rank: {tmp_path/'twice.yaml'}: set twice, on lines 1 and 3" in r.stderr

def test_check_refuses_ragged_csv_and_unknown_files(tmp_path, tiny_run):
    bad = tmp_path/'ragged.csv'
    bad.write_text('instruction,input,output\n"q",,a\n"only one field"\n"a",b,c,d,e\n')
    r = llmft('check', f"model_name_or_path={tiny_run/'base'}", f'dataset={bad}')
    assert r.returncode == 1 and 'Traceback' not in r.stderr and 'DatasetGenerationError' not in r.stderr
    assert f'{bad}: line 3: 1 field, but the header line has 3' in r.stderr and f'{bad}: line 4: 5 fields' in r.stderr
    (tmp_path/'folder').mkdir(); (tmp_path/'folder'/'a.jsonl').write_text('{"instruction": "Q", "output": "74"}\n')
    (tmp_path/'folder'/'notes.txt').write_text('my notes')
    r = llmft('check', f"model_name_or_path={tiny_run/'base'}", f"dataset={tmp_path/'folder'}")
    assert r.returncode == 1 and 'Traceback' not in r.stderr and 'mixes plain-text files (notes.txt) with structured data' in r.stderr

def test_check_registry_stays_in_dataset_dir(tmp_path, tiny_run):
    (tmp_path/'dataset_info.json').write_text('{"evil": {"file_name": "../../../../etc/passwd"}}')
    r = llmft('check', f"model_name_or_path={tiny_run/'base'}", f'dataset_dir={tmp_path}', 'dataset=evil')
    assert r.returncode == 1 and 'Traceback' not in r.stderr
    assert "entry 'evil': file_name '../../../../etc/passwd' leads out of the folder" in r.stderr

def test_train_streaming_all_bad_rows(tmp_path, tiny_run):
    "Streaming with every row bad ends in llmft's message (counts, reasons), not accelerate's 'Batch does not contain any data'."
    bad = tmp_path/'allbad.jsonl'
    bad.write_text('{"instruction": null, "output": "A"}\n' * 6)
    r = llmft('train', f"model_name_or_path={tiny_run/'base'}", f'dataset={bad}', 'streaming=true', 'on_bad_rows=skip',
              'max_steps=2', 'per_device_train_batch_size=2', 'cutoff_len=64', f"output_dir={tmp_path/'out'}")
    assert r.returncode == 1 and 'Traceback' not in r.stderr and 'Batch does not contain' not in r.stderr
    assert f"dataset '{bad}' has no usable rows: all 6 rows are bad" in r.stderr
    assert f'6 rows: instruction is NoneType, not a string (first at {bad}: line 1)' in r.stderr

# --- using a fine-tuned model: chat, api, export ---------------------------------------------------------------

@pytest.fixture(scope='module')
def tiny_run(tmp_path_factory):
    "A tiny base model folder and a LoRA adapter folder beside it, as a training run leaves them."
    import torch, yaml
    from peft import LoraConfig, get_peft_model
    from llmft.test_utils import tiny_tokenizer, tiny_llama
    d = tmp_path_factory.mktemp('run')
    tok = tiny_tokenizer()
    tiny_llama(tok).save_pretrained(d/'base'); tok.save_pretrained(d/'base')
    m = get_peft_model(tiny_llama(tok), LoraConfig(r=4, lora_alpha=8, target_modules='all-linear'))
    torch.manual_seed(0)
    for n, p in m.named_parameters():
        if 'lora_B' in n: torch.nn.init.normal_(p, std=0.05)
    m.save_pretrained(d/'adapter'); tok.save_pretrained(d/'adapter')
    (d/'adapter'/'llmft_config.yaml').write_text(yaml.safe_dump({'model_name_or_path': str(d/'base')}))
    return d

def test_chat_repl(tiny_run):
    exe = str(Path(sys.executable).parent/'llmft')
    r = subprocess.run([exe, 'chat', f"model_name_or_path={tiny_run/'base'}", f"adapter_name_or_path={tiny_run/'adapter'}",
                        'max_new_tokens=3'], input='Say hi.\n/adapter nope\n/clear\n/base\nSay bye.\n/exit\n',
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.count('assistant> ') == 2
    assert "(no adapter 'nope'; loaded: adapter)" in r.stdout and '(conversation cleared)' in r.stdout

def test_export_cli(tiny_run, tmp_path):
    r = llmft('export', f"model_name_or_path={tiny_run/'base'}", f"adapter_name_or_path={tiny_run/'adapter'}",
              f"export_dir={tmp_path/'merged'}", 'export_dtype=float32')
    assert r.returncode == 0, r.stderr
    assert (tmp_path/'merged'/'model.safetensors').is_file() and (tmp_path/'merged'/'README.md').is_file()
    r = llmft('export', f"model_name_or_path={tiny_run/'base'}", f"adapter_name_or_path={tiny_run/'adapter'}",
              f"export_dir={tmp_path/'merged'}")
    assert r.returncode == 1 and 'is not empty' in r.stderr
    r = llmft('export', f"model_name_or_path={tiny_run/'base'}", f"export_dir={tmp_path/'x'}")
    assert r.returncode == 1 and 'adapter_name_or_path' in r.stderr

def test_api_serves_openai_clients(tiny_run):
    import socket, time, openai
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); port = s.getsockname()[1]
    exe = str(Path(sys.executable).parent/'llmft')
    p = subprocess.Popen([exe, 'api', f"model_name_or_path={tiny_run/'base'}", f"adapter_name_or_path={tiny_run/'adapter'}",
                          f'api_port={port}', 'max_new_tokens=4'], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        client = openai.OpenAI(base_url=f'http://127.0.0.1:{port}/v1', api_key='none', max_retries=0, timeout=60)
        for _ in range(240):
            try: models = [m.id for m in client.models.list()]; break
            except openai.APIConnectionError: time.sleep(0.5)
        else: pytest.fail('the API did not start: ' + p.stderr.read() if p.poll() is not None else 'timeout')
        assert models == ['adapter']
        r = client.chat.completions.create(model='adapter', messages=[{'role': 'user', 'content': 'Say hi.'}])
        assert r.choices[0].message.role == 'assistant' and r.usage.completion_tokens <= 4
        chunks = list(client.chat.completions.create(model='adapter', messages=[{'role': 'user', 'content': 'Say hi.'}], stream=True))
        assert chunks[-1].choices[0].finish_reason in ('stop', 'length')
        with pytest.raises(openai.BadRequestError): client.chat.completions.create(model='adapter', messages=[{'role': 'robot', 'content': 'x'}])
    finally:
        p.terminate(); p.wait(timeout=30)

def test_eval_and_predict_offline(tiny_run, tmp_path):
    "`llmft eval` writes rouge, bleu and perplexity for the tiny model offline; `llmft predict` writes a jsonl."
    import json
    r = llmft('eval', f"model_name_or_path={tiny_run/'base'}", f"adapter_name_or_path={tiny_run/'adapter'}", 'dataset=alpaca_sample',
              f"output_dir={tmp_path/'eval'}", 'metrics=rouge,bleu,perplexity', 'max_new_tokens=8')
    assert r.returncode == 0, r.stderr
    res = json.loads((tmp_path/'eval'/'eval_results.json').read_text())
    assert {'rouge1', 'rougeL', 'bleu', 'perplexity'} <= set(res)
    r = llmft('predict', f"model_name_or_path={tiny_run/'base'}", 'dataset=sharegpt_sample', f"output_dir={tmp_path/'pred'}", 'max_new_tokens=4')
    assert r.returncode == 0, r.stderr
    rows = [json.loads(l) for l in (tmp_path/'pred'/'generated_predictions.jsonl').read_text().splitlines()]
    assert rows and set(rows[0]) == {'prompt', 'reference', 'prediction'}
    r = llmft('predict', f"model_name_or_path={tiny_run/'base'}", 'eval_dataset=sharegpt_sample',  # as LF's predict configs
              f"output_dir={tmp_path/'pred2'}", 'max_new_tokens=4')
    assert r.returncode == 0, r.stderr
    test = [json.loads(l) for l in (tmp_path/'pred2'/'generated_predictions.jsonl').read_text().splitlines()]
    assert [t['reference'] for t in test] == [t['reference'] for t in rows]
    r = llmft('eval', f"model_name_or_path={tiny_run/'base'}", 'dataset=alpaca_sample', 'metrics=rouge,blue')
    assert r.returncode == 1 and "metrics: unknown metric blue" in r.stderr

CHAT = '{"system": "Be brief.", "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}'

def template(*args, stdin=''):
    exe = Path(sys.executable).parent/'llmft'
    return subprocess.run([str(exe) if exe.exists() else shutil.which('llmft'), 'template', *args], input=stdin,
                          capture_output=True, text=True, timeout=120)

def test_template_prints_the_text_exactly():
    r = template('qwen3_nothink', stdin=CHAT)
    assert r.returncode == 0, r.stderr
    assert r.stdout == ('<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n'
                        '<|im_start|>assistant\nHello!<|im_end|>\n')

def test_template_marks_what_is_trained():
    r = template('qwen3', '--trained', stdin=CHAT)
    assert r.returncode == 0, r.stderr
    assert r.stdout.endswith('<|im_start|>assistant\n[[<think>\n\n</think>\n\nHello!<|im_end|>\n]]')
    r = template('qwen3', '--trained', '--no-thinking', stdin=CHAT)
    assert r.stdout.endswith('<|im_start|>assistant\n<think>\n\n</think>\n\n[[Hello!<|im_end|>\n]]')
    r = template('gemma2', '--trained', '--eos', '<eos>', stdin='[{"role": "user", "content": "Hi"}, '
                 '{"role": "assistant", "content": "A"}, {"role": "user", "content": "Bye"}, {"role": "assistant", "content": "B"}]')
    assert '[[A<end_of_turn>\n(eos)]]<start_of_turn>user\nBye' in r.stdout and r.stdout.endswith('[[B<end_of_turn>\n<eos>]]')

def test_template_tools_and_lf_roles():
    conv = ('{"tools": [{"name": "get_weather", "description": "Weather.", "parameters": {"type": "object", '
            '"properties": {"city": {"type": "string"}}}}], "messages": [{"role": "user", "content": "Paris?"}, '
            '{"role": "function", "content": "{\\"name\\": \\"get_weather\\", \\"arguments\\": {\\"city\\": \\"Paris\\"}}"}, '
            '{"role": "observation", "content": "22"}, {"role": "assistant", "content": "22 degrees."}]}')
    r = template('llama3', '--trained', stdin=conv)
    assert r.returncode == 0, r.stderr
    assert '"name": "get_weather"' in r.stdout.split('<|eot_id|>')[0]          # the schema in the system prompt
    assert '[[{"name": "get_weather", "parameters": {"city": "Paris"}}<|eot_id|>]]' in r.stdout
    assert '<|start_header_id|>ipython<|end_header_id|>\n\n22<|eot_id|>' in r.stdout

def test_template_errors_and_list():
    r = template('lama3', stdin='[]')
    assert r.returncode == 1 and 'did you mean llama3' in r.stderr and 'Traceback' not in r.stderr
    r = template('qwen', stdin='not json')
    assert r.returncode == 1 and 'stdin is not JSON' in r.stderr and 'Traceback' not in r.stderr
    r = template('glm4', stdin='[{"role": "user", "content": "x"}, {"role": "function", "content": '
                 '"[{\\"name\\": \\"a\\", \\"arguments\\": {}}, {\\"name\\": \\"b\\", \\"arguments\\": {}}]"}]')
    assert r.returncode == 1 and 'parallel' in r.stderr
    r = template('--list')
    names = [l.split()[0] for l in r.stdout.splitlines()]
    assert r.returncode == 0 and len(names) == 121 and {'qwen3_nothink', 'llama3', 'smollm2', 'empty'} <= set(names)

def test_template_renders_a_dataset_row():
    r = template('smollm2', '--dataset', 'identity', '--dataset-dir', 'no_such_dir')   # llmft's bundled registry
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith('<|im_start|>system\nYou are a helpful AI assistant named SmolLM')
    lf_data = Path(__file__).resolve().parents[1].parent/'shared'/'lf_real'/'data'
    if not (lf_data/'glaive_toolcall_en_demo.json').is_file(): pytest.skip('LF data folder not found (../shared/lf_real)')
    r = template('qwen', '--trained', '--dataset', 'glaive_toolcall_en_demo', '--dataset-dir', str(lf_data))
    assert r.returncode == 0, r.stderr
    assert '<tools>\n{"type": "function"' in r.stdout and '[[<tool_call>\n{"name": ' in r.stdout

# --- hardware personas: `llmft check --gpu NAME` decides as it would on that GPU ----------------------------------

def _decisions(stdout):
    "The `key: value` lines `llmft check` prints after 'What the loader and trainer decide on ...:'."
    block = stdout.split('decide on ', 1)[1].splitlines()[1:]
    return dict(l.strip().split(': ', 1) for l in block if l.startswith('  ') and ': ' in l)

def test_check_gpu_personas(tiny_run):
    r = llmft('check', f"model_name_or_path={tiny_run/'base'}", 'quantization_bit=4', '--gpu', 'T4')
    assert r.returncode == 0, r.stderr
    d = _decisions(r.stdout)
    assert {'device', 'precision', 'attention', 'unsloth', 'gradient_checkpointing', 'quantization', 'processes'} <= set(d)
    assert d['precision'].startswith('fp16') and d['attention'].startswith('sdpa') and 'compute dtype float16' in d['quantization']
    assert d['device'].startswith('cuda (1× Tesla T4, compute capability 7.5')
    r = llmft('check', f"model_name_or_path={tiny_run/'base'}", 'quantization_bit=4', '--gpu', 'A100-40GB')
    assert r.returncode == 0 and _decisions(r.stdout)['precision'].startswith('bf16'), r.stderr
    r = llmft('check', f"model_name_or_path={tiny_run/'base'}", '--gpu', '2xT4')
    assert _decisions(r.stdout)['processes'].startswith('1 (1 of 2 GPUs; to train on all 2: accelerate launch --num_processes 2')
    r = llmft('check', f"model_name_or_path={tiny_run/'base'}", '--gpu', 'cpu')
    assert _decisions(r.stdout)['precision'].startswith('fp32') and _decisions(r.stdout)['device'] == 'cpu'

def test_check_refuses_bf16_on_a_t4(tiny_run):
    r = llmft('check', f"model_name_or_path={tiny_run/'base'}", 'quantization_bit=4', 'bf16=true', '--gpu', 'T4')
    assert r.returncode == 1 and 'bf16: this machine (Tesla T4) has no bf16 support' in r.stderr and 'Traceback' not in r.stderr
    r = llmft('check', 'flash_attn=fa2', '--gpu', 'T4')
    assert r.returncode == 1 and 'sm75' in r.stderr and 'Traceback' not in r.stderr

def test_adapter_tokenizer_code_is_not_run_on_a_yes(tiny_run, tmp_path):
    "An adapter folder whose tokenizer ships code (auto_map) is refused without trust_remote_code, even with 'y' on stdin."
    import json, shutil
    evil = tmp_path/'evil-adapter'
    shutil.copytree(tiny_run/'adapter', evil)
    (evil/'tokenization_evil.py').write_text("open(__file__ + '.ran', 'w').write('ran')\n"
                                             "from transformers import PreTrainedTokenizerFast as EvilTokenizer\n")
    tc = json.loads((evil/'tokenizer_config.json').read_text())
    (evil/'tokenizer_config.json').write_text(json.dumps({**tc, 'auto_map': {'AutoTokenizer': [None, 'tokenization_evil.EvilTokenizer']}}))
    exe = str(Path(sys.executable).parent/'llmft')
    r = subprocess.run([exe, 'chat', f"model_name_or_path={tiny_run/'base'}", f'adapter_name_or_path={evil}', '--prompt', 'hi'],
                       input='y\ny\n', capture_output=True, text=True, timeout=300)
    assert r.returncode == 1, r.stdout
    assert 'trust_remote_code: true' in r.stderr and 'Traceback' not in r.stderr
    assert not (evil/'tokenization_evil.py.ran').exists()
LF_SFT = """### LLaMA-Factory's train_lora/qwen3_lora_sft.yaml (model swapped, bf16 left out)
model_name_or_path: smollm2-135m-instruct
trust_remote_code: true
stage: sft
do_train: true
finetuning_type: lora
lora_rank: 8
lora_target: all
dataset: identity
template: qwen3_nothink
cutoff_len: 2048
max_samples: 1000
overwrite_cache: true
preprocessing_num_workers: 16
dataloader_num_workers: 4
output_dir: saves/qwen3-4b/lora/sft
logging_steps: 10
save_steps: 500
plot_loss: true
overwrite_output_dir: true
save_only_model: false
report_to: none
per_device_train_batch_size: 1
gradient_accumulation_steps: 8
learning_rate: 1.0e-4
num_train_epochs: 3.0
lr_scheduler_type: cosine
warmup_ratio: 0.1
ddp_timeout: 180000000
resume_from_checkpoint: null
"""

def test_check_accepts_an_lf_config_and_shows_lf_differences(tmp_path):
    cfg = tmp_path/'lf.yaml'
    cfg.write_text(LF_SFT)
    r = llmft('check', str(cfg))
    assert r.returncode == 0, r.stderr
    assert "trainer:   do_train=True, dataloader_num_workers=4, save_only_model=False, ddp_timeout=180000000" in r.stdout
    vs = next(l for l in r.stdout.splitlines() if 'vs LF:' in l)
    assert 'optim' in vs and 'learning_rate' not in vs  # only the LF defaults this config leaves to llmft

def test_check_lf_refusals_and_typos_together(tmp_path):
    cfg = tmp_path/'lf.yaml'
    cfg.write_text(LF_SFT + 'image_max_pixels: 262144\npref_bco_weight: 0.5\neval_strategy: sometimes\nplot_los: true\n')
    r = llmft('check', str(cfg))
    assert r.returncode == 1 and 'Traceback' not in r.stderr
    assert 'image_max_pixels: multimodal training is not supported' in r.stderr
    assert "pref_bco_weight: LF's BCO term is not supported" in r.stderr
    assert 'eval_strategy: must be one of no, steps, epoch' in r.stderr
    assert "plot_los: unknown key; did you mean 'plot_loss'?" in r.stderr

# --- the progress of `llmft train` ---------------------------------------------------------------------------------

def _train_args(tiny_run, out):
    return ('train', f"model_name_or_path={tiny_run/'base'}", 'dataset=alpaca_sample', 'max_steps=4', 'logging_steps=1',
            'per_device_train_batch_size=2', 'gradient_accumulation_steps=1', 'cutoff_len=64', 'val_size=1', 'eval_steps=2',
            'save_steps=100', f'output_dir={out}')

def test_train_progress_through_a_pipe(tmp_path, tiny_run):
    "Through a pipe (CI, a log file): one progress line per log, with the eval loss once evaluated, then the result."
    r = llmft(*_train_args(tiny_run, tmp_path/'out'))
    assert r.returncode == 0, r.stderr
    lines = [l for l in r.stderr.splitlines() if l.startswith('step ')]
    assert [l.split(',')[0] for l in lines] == ['step 1/4', 'step 2/4', 'step 2/4', 'step 3/4', 'step 4/4', 'step 4/4'], lines
    assert 'eval loss' not in lines[1] and 'eval loss' in lines[2] and 'tokens/s' in lines[0] and 'left' in lines[0]
    assert '\r' not in r.stderr and "{'loss'" not in r.stdout + r.stderr and "{'eval_loss'" not in r.stdout + r.stderr
    assert not re.search(r'\| *\d/4 \[', r.stderr)  # no tqdm bar of the training steps (loading bars aside)
    assert r.stdout.startswith('TrainResult(') and 'tokens/s' in r.stdout

def test_train_progress_on_a_terminal(tmp_path, tiny_run):
    "On a terminal the progress is one line rewritten in place (carriage returns), ended by one newline."
    import pty, threading
    exe = Path(sys.executable).parent/'llmft'
    exe = str(exe) if exe.exists() else shutil.which('llmft')
    master, slave = pty.openpty()
    p = subprocess.Popen([exe, *_train_args(tiny_run, tmp_path/'out')], stdout=subprocess.PIPE, stderr=slave, text=True)
    os.close(slave)
    chunks = []
    def read():
        while True:
            try: b = os.read(master, 4096)
            except OSError: return  # the child closed the terminal
            if not b: return
            chunks.append(b)
    t = threading.Thread(target=read, daemon=True); t.start()
    out, _ = p.communicate(timeout=600); t.join(10); os.close(master)
    err = b''.join(chunks).decode()
    assert p.returncode == 0, err
    segs = err[err.index('\rstep '):].split('\rstep ')[1:]  # each update of the line
    assert len(segs) >= 6 and segs[-1].startswith('4/4') and 'eval loss' in segs[-1], segs
    assert not any('\n' in s for s in segs[:-1]), segs  # every update rewrote the same line
    assert segs[-1].split('\n')[0].rstrip('\r ').endswith('tokens/s'), segs[-1]  # then one newline ends it
    assert "{'loss'" not in err + out and out.startswith('TrainResult(')

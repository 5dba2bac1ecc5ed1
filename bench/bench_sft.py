"""SFT speed benchmark: TRL's SFTTrainer (as documented, and tuned for a CPU) against `llmft`'s trainer.

Three trainings of the same work: SmolLM2-135M-Instruct (bundled), the same 96 conversations, LoRA r16 alpha 32 on
all linear layers, effective batch 8, one epoch, no saving:
  (a) TRL SFTTrainer, SFTConfig defaults apart from batch size, epochs, learning rate, no saving and use_cpu=True
  (b) the same, tuned for a CPU: bf16=False, gradient_checkpointing=False
  (c) llmft
Each runs in its own process (so peak memory is its own). Prints runtime, tokens/s, peak memory, final loss, the
ratios against (a) and (b), and MFU = 4 x params x tokens/s / measured fp32 matmul FLOP/s.

    python bench/bench_sft.py            # all three (about 8 minutes on a 2-core CPU)
    python bench/bench_sft.py --only c   # one of them
"""
import argparse, json, os, random, resource, subprocess, sys, tempfile, time
from pathlib import Path

LORA = dict(r=16, lora_alpha=32, lora_dropout=0.0, target_modules='all-linear')
BATCH, LR, SEED = 8, 2e-4, 0

def conversations(n=96, seed=SEED):
    "n prompt/completion conversations of varied length (about 130 tokens each with the chat template)."
    rng = random.Random(seed)
    topics = ['the moon', 'tea', 'bicycles', 'rivers', 'chess', 'bread', 'volcanoes', 'owls', 'trains', 'glaciers', 'jazz', 'paper']
    facts = ['It is older than most people think.', 'Many people enjoy it every day.', 'It changes with the seasons.',
             'Scientists still study it closely.', 'It appears in many old stories.', 'It can be surprisingly simple.',
             'Children often ask questions about it.', 'It has a long and varied history.']
    rows = []
    for i in range(n):
        t = rng.choice(topics)
        q = f'Tell me {rng.choice(["something", "a few things", "one fact", "more"])} about {t}.' + ' Please be clear.' * rng.randint(0, 10)
        a = ' '.join(rng.choice(facts) for _ in range(rng.randint(1, 16)))
        rows.append({'prompt': [{'role': 'user', 'content': q}], 'completion': [{'role': 'assistant', 'content': a}]})
    return rows

def matmul_flops(seconds=3.0, n=2048):
    import torch
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b
    k, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds: a @ b; k += 1
    return 2 * n**3 * k / (time.perf_counter() - t0)

def _real_tokens(tok, rows):
    return sum(len(tok.apply_chat_template(r['prompt'] + r['completion'], tokenize=True, return_dict=False)) for r in rows)

def run_trl(mode, out):
    import torch
    from datasets import Dataset
    from peft import LoraConfig
    from trl import SFTConfig, SFTTrainer
    from llmft.model import load_pretrained
    model, tok = load_pretrained()
    tok.padding_side = 'right'  # loaded to generate (left); SFT pads on the right
    rows = conversations()
    kw = dict(output_dir=out, per_device_train_batch_size=BATCH, num_train_epochs=1, learning_rate=LR, save_strategy='no',
              use_cpu=True, report_to=[], logging_steps=1, seed=SEED, disable_tqdm=True)
    if mode == 'b': kw.update(bf16=False, gradient_checkpointing=False)
    trainer = SFTTrainer(model=model, args=SFTConfig(**kw), train_dataset=Dataset.from_list(rows), processing_class=tok,
                         peft_config=LoraConfig(**LORA))
    t0 = time.perf_counter(); trainer.train(); dt = time.perf_counter() - t0
    losses = [h['loss'] for h in trainer.state.log_history if 'loss' in h]
    import trl
    return dict(runtime=dt, tokens=_real_tokens(tok, rows), final_loss=losses[-1], params=sum(p.numel() for p in model.parameters()),
                version=f'trl {trl.__version__}')

def run_llmft(out):
    "(c): `llmft train` on the same conversations (OpenAI messages jsonl), same LoRA, batch, epochs and learning rate."
    from llmft.cli import main
    data = Path(out)/'conversations.jsonl'
    data.write_text(''.join(json.dumps({'messages': r['prompt'] + r['completion']}) + '\n' for r in conversations()))
    rc = main(['train', f'dataset={data}', f'output_dir={Path(out)/"run"}', f'lora_rank={LORA["r"]}', f'lora_alpha={LORA["lora_alpha"]}',
               'lora_target=all', f'per_device_train_batch_size={BATCH}', 'gradient_accumulation_steps=1', 'num_train_epochs=1',
               f'learning_rate={LR}', 'lr_scheduler_type=linear', 'logging_steps=1', 'save_steps=100000', f'seed={SEED}', 'cutoff_len=1024'])
    assert rc == 0, f'llmft train exited {rc}'
    m = json.loads((Path(out)/'run'/'train_results.json').read_text())
    from llmft.model import load_pretrained
    model, tok = load_pretrained()
    return dict(runtime=m['train_runtime'], tokens=_real_tokens(tok, conversations()), final_loss=m['final_loss'],
                params=sum(p.numel() for p in model.parameters()), version='llmft')

TRL_CPU = '1.16.0'  # TRL 1.15's SFTTrainer cannot train on a CPU (its fused LM head needs triton); 1.16 can

def trl_env(root:Path) -> dict:
    "Environment for the TRL runs: on a CPU with TRL < 1.16, TRL 1.16 installed beside the project in bench/.trl."
    import torch, trl
    from packaging.version import Version
    env = dict(os.environ)
    if torch.cuda.is_available() or Version(trl.__version__) >= Version(TRL_CPU): return env
    target = root/'bench'/'.trl'
    if not (target/'trl').is_dir():
        print(f'TRL {trl.__version__} cannot run SFTTrainer on a CPU; installing trl=={TRL_CPU} into {target} for runs (a) and (b)')
        subprocess.run([sys.executable, '-m', 'pip', 'install', '-q', '--no-deps', '--target', str(target), f'trl=={TRL_CPU}'], check=True)
    env['PYTHONPATH'] = os.pathsep.join([str(target), env.get('PYTHONPATH', '')])
    return env

def one(mode):
    out = tempfile.mkdtemp()
    res = run_trl(mode, out) if mode in 'ab' else run_llmft(out)
    res['peak_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(res))

def main():
    p = argparse.ArgumentParser(); p.add_argument('--one'); p.add_argument('--only', default='abc')
    a = p.parse_args()
    if a.one: return one(a.one)
    names = {'a': "TRL SFTTrainer, documented defaults", 'b': 'TRL SFTTrainer, tuned for CPU', 'c': 'llmft train'}
    res, root = {}, Path(__file__).resolve().parents[1]
    for m in a.only:
        env = trl_env(root) if m in 'ab' else dict(os.environ)
        r = subprocess.run([sys.executable, __file__, '--one', m], capture_output=True, text=True, env=env)
        if r.returncode: print(r.stderr[-3000:]); sys.exit(f'run {m} failed')
        res[m] = json.loads(r.stdout.strip().splitlines()[-1])
    flops = matmul_flops()
    print(f'fp32 matmul: {flops/1e9:.0f} GFLOP/s')
    print(f"{'run':40} {'runtime s':>9} {'tokens/s':>9} {'peak MB':>8} {'loss':>7} {'MFU':>5} {'vs (a)':>7} {'vs (b)':>7}")
    for m, r in res.items():
        tps = r['tokens'] / r['runtime']
        mfu = 4 * r['params'] * tps / flops
        va = f"{res['a']['runtime']/r['runtime']:.2f}x" if 'a' in res else '-'
        vb = f"{res['b']['runtime']/r['runtime']:.2f}x" if 'b' in res else '-'
        print(f"({m}) {names[m]:36} {r['runtime']:9.1f} {tps:9.0f} {r['peak_mb']:8.0f} {r['final_loss']:7.3f} {mfu:5.0%} {va:>7} {vb:>7}")

if __name__ == '__main__': main()

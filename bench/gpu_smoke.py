"""GPU smoke test: llmft's CUDA paths, end to end, on one GPU, in a few minutes, offline (random-weight models built
from a config, the bundled datasets; no hub).

    python bench/gpu_smoke.py                 # every check on this GPU (a Colab T4 or better)
    python bench/gpu_smoke.py --persona T4    # also check the decisions a T4 would get (on any GPU, or a CPU)
    python bench/gpu_smoke.py --size 1b       # throughput on a ~1B Llama shape instead of the small one
    python bench/gpu_smoke.py --cpu           # the same script on a CPU (fp32, no Unsloth): checks the checks

It prints PASS, FAIL or SKIP (with why) per check, then a throughput table (plain transformers + PEFT against
Unsloth, same model, data, batch and LoRA), and exits 1 when a check fails. Checks: the loader's decisions match the
GPU's compute capability; QLoRA SFT through `finetune` in fp16 and (on sm80+) bf16, loss falling; the Unsloth path
through `finetune`; DPO on a 4-bit base with fp32 adapters; a QLoRA merge rebuilt as trained (the export's own parity
check); inference on the GPU; packed rows that do not attend to each other, with SDPA and (where it imports)
FlashAttention-2."""
import argparse, json, sys, tempfile, time, traceback
from pathlib import Path

SIZES = {'small': dict(hidden_size=512, num_layers=8, num_heads=8),         # ~25M parameters
         '1b': dict(hidden_size=2048, num_layers=16, num_heads=32)}         # ~0.9B parameters (Llama 3.2 1B-like)
RESULTS = []

def check(name):
    "Run the decorated function as check `name`: PASS, FAIL (with the error) or SKIP (it returns 'skip: why')."
    def run(f):
        t0 = time.time()
        try: out = f()
        except Exception as e:
            RESULTS.append((name, 'FAIL', f'{type(e).__name__}: {e}'))
            traceback.print_exc(file=sys.stderr)
        else:
            skip = isinstance(out, str) and out.startswith('skip')
            RESULTS.append((name, 'SKIP' if skip else 'PASS', out if isinstance(out, str) else ''))
        print(f'{RESULTS[-1][1]:4}  {name:28} {time.time() - t0:6.1f} s  {RESULTS[-1][2]}', flush=True)
        return f
    return run

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--size', choices=SIZES, default='small')
    p.add_argument('--persona', help='a GPU persona whose decisions to check too (T4, L4, A100-40GB, H100, 2xT4)')
    p.add_argument('--cpu', action='store_true', help='run on a CPU (fp32): checks the script, not a GPU')
    p.add_argument('--steps', type=int, default=30)
    a = p.parse_args(argv)
    import torch
    if not torch.cuda.is_available() and not a.cpu:
        print('gpu_smoke: no CUDA GPU here; run it on a GPU (Colab, Kaggle), or with --cpu to check the script',
              file=sys.stderr)
        return 2
    from llmft.config import make_config
    from llmft.finetune import finetune
    from llmft.hardware import detect_hardware, persona
    from llmft.model import decide, load_model
    from llmft.test_utils import tiny_model_dir, tiny_tokenizer
    hw = detect_hardware()
    cuda = hw.cuda and not a.cpu
    if a.cpu and hw.cuda: print('gpu_smoke: --cpu on a GPU machine: hide it with CUDA_VISIBLE_DEVICES=', file=sys.stderr)
    print(f'gpu_smoke on {hw}', flush=True)
    work = Path(tempfile.mkdtemp(prefix='llmft-gpu-smoke-'))
    base = tiny_model_dir(work/'base', tiny_tokenizer(), **SIZES['small'])
    big = base if a.size == 'small' else tiny_model_dir(work/'base-1b', tiny_tokenizer(), **SIZES['1b'])
    native_bf16 = cuda and hw.bf16  # llmft.hardware's answer: compute capability 8.0+, never emulation
    common = dict(model_name_or_path=str(base), dataset='alpaca_sample', cutoff_len=256, lora_rank=16, lora_target='all',
                  per_device_train_batch_size=4, gradient_accumulation_steps=1, learning_rate=2e-3, max_steps=a.steps,
                  logging_steps=1, save_steps=10_000, report_to='none')
    def cfg(name, **kw): return make_config({**common, 'output_dir': str(work/name), **kw})
    def losses(r): return [h['loss'] for h in r.log_history if 'loss' in h]
    def falls(r):
        l = losses(r)
        assert all(x == x and abs(x) < 1e4 for x in l), f'loss is not finite: {l}'
        assert sum(l[-5:]) / 5 < sum(l[:5]) / 5, f'loss did not fall: {l[:5]} ... {l[-5:]}'
        return f"loss {l[0]:.3f} -> {l[-1]:.3f}, {r.metrics['train_tokens_per_second']:.0f} tokens/s"
    quant = dict(quantization_bit=4, double_quantization=True)

    @check('decisions')
    def _():
        if cuda:  # checked against torch's own answer, not llmft's: a T4 (sm75) must not count as bf16
            assert hw.bf16 == (torch.cuda.get_device_capability() >= (8, 0)), (hw.bf16, hw.capability)
        d = decide(cfg('d', **quant), hw)
        want = ('bf16' if native_bf16 else 'fp16') if cuda else 'fp32'
        assert d.precision == want, f'precision {d.precision}, expected {want} on capability {hw.capability}'
        if cuda: assert d.compute_dtype and want[:2] in d.compute_dtype, d.compute_dtype
        return f'{d.precision}, {d.attention}, unsloth {"on" if d.unsloth else "off"}, quantization {d.quantization}'

    @check('persona decisions')
    def _():
        if not a.persona: return 'skip: no --persona given'
        d = decide(cfg('p', **quant), persona(a.persona))
        cap = persona(a.persona).capability
        if cap and tuple(cap) < (8, 0):
            assert d.precision == 'fp16' and d.attention != 'flash_attention_2', (d.precision, d.attention)
        return f'{a.persona}: {d.precision}, {d.attention}, {d.compute_dtype}'

    plain = {}
    @check('qlora sft fp16')
    def _():
        if not cuda: return 'skip: 4-bit fp16 training needs a CUDA GPU'
        r = finetune(cfg('qlora-fp16', fp16=True, use_unsloth='false', **quant), verbose=False)
        plain['qlora'] = r
        return falls(r)

    @check('qlora sft bf16')
    def _():
        if not native_bf16: return 'skip: native bf16 needs compute capability 8.0+'
        return falls(finetune(cfg('qlora-bf16', bf16=True, use_unsloth='false', **quant), verbose=False))

    @check('lora sft (plain)')
    def _():
        r = finetune(cfg('lora-plain', use_unsloth='false'), verbose=False)
        plain['lora'] = r
        return falls(r)

    fast = {}
    @check('unsloth path')
    def _():
        if not cuda or not hw.unsloth: return 'skip: needs a CUDA GPU and the unsloth package'
        for kind, kw in (('qlora', quant), ('lora', {})):
            r = finetune(cfg(f'{kind}-unsloth', use_unsloth='true', **kw), verbose=False)
            fast[kind] = r
            msg = falls(r)
        return msg

    @check('dpo on a 4-bit base')
    def _():
        if not cuda: return 'skip: a 4-bit base needs a CUDA GPU here'
        r = finetune(cfg('dpo', stage='dpo', dataset='pref_alpaca_sample', learning_rate=5e-4, use_unsloth='false',
                         **quant), verbose=False)
        l = losses(r)
        assert all(x == x for x in l) and r.metrics['train_tokens'] > 0, (l, r.metrics)
        return f'loss {l[0]:.3f} -> {l[-1]:.3f}'

    @check('merge as trained')
    def _():
        from llmft.export import export_merged
        run = plain.get('qlora') or plain.get('lora')
        if run is None: return 'skip: no trained adapter'
        out = export_merged(make_config(adapter_name_or_path=str(run.output_dir), export_dir=str(work/'merged')))
        assert (out/'config.json').is_file() and any(out.glob('*.safetensors')), sorted(p.name for p in out.iterdir())
        return f'merged into {out} (export_merged refuses a merge whose outputs differ from the trained model)'

    @check('inference on the gpu')
    def _():
        from llmft.inference import generate, load_for_inference
        run = plain.get('qlora') or plain.get('lora')
        model, tok = load_for_inference(str(base), [str(run.output_dir)])
        dev = next(model.parameters()).device
        if cuda: assert dev.type == 'cuda', dev
        out = generate(model, tok, ['Say something.'], max_new_tokens=8)
        assert isinstance(out[0], str)
        return f'on {dev}, {next(model.parameters()).dtype}'

    @check('packed rows stay apart')
    def _():
        import torch
        from llmft.hardware import fa2_problem
        done = []
        for attn in ('sdpa', 'fa2'):
            if attn == 'fa2' and (not cuda or fa2_problem(hw, 'bf16' if native_bf16 else 'fp16')): continue
            lm = load_model(make_config(model_name_or_path=str(base), flash_attn=attn, finetuning_type='full'), hw,
                            trainable=False)
            model, dev = lm.model.eval(), next(lm.model.parameters()).device
            g = torch.Generator().manual_seed(0)
            x = torch.randint(10, 300, (1, 40), generator=g); y = torch.randint(10, 300, (1, 24), generator=g)
            ids = torch.cat([x, y], 1).to(dev)
            pos = torch.cat([torch.arange(40), torch.arange(24)])[None].to(dev)
            with torch.no_grad():
                packed = model(input_ids=ids, position_ids=pos, use_cache=False).logits[0, 40:].float()  # as in training
                alone = model(input_ids=y.to(dev), use_cache=False).logits[0].float()
            rel = ((packed - alone).abs().max() / alone.abs().max()).item()
            assert rel < (1e-4 if not cuda else 3e-2), f'{attn}: the second row sees the first (relative diff {rel:.2e})'
            done.append(f'{attn} {rel:.1e}')
            del lm, model
        return ', '.join(done)

    @check('throughput')
    def _():
        if not cuda: return 'skip: throughput is measured on a GPU'
        have_unsloth = hw.unsloth
        rows = []
        for kind, kw in (('qlora', quant), ('lora', {})):
            for backend in ('false', 'true') if have_unsloth else ('false',):
                r = finetune(make_config({**common, 'model_name_or_path': str(big), 'use_unsloth': backend,
                                          'output_dir': str(work/f'tp-{kind}-{backend}'), **kw}), verbose=False)
                rows.append((kind, 'unsloth' if backend == 'true' else 'transformers+peft',
                             r.metrics['train_tokens_per_second'], r.metrics['peak_memory_mb'] / 1024))
        print(f"\n{'method':8} {'backend':18} {'tokens/s':>9} {'peak GiB':>9}")
        for k, b, tps, gib in rows: print(f'{k:8} {b:18} {tps:9.0f} {gib:9.2f}')
        return f'{len(rows)} runs on the {a.size} model' + ('' if have_unsloth else ' (no unsloth package: plain only)')

    fails = [r for r in RESULTS if r[1] == 'FAIL']
    print(f"\n{sum(r[1] == 'PASS' for r in RESULTS)} passed, {len(fails)} failed, "
          f"{sum(r[1] == 'SKIP' for r in RESULTS)} skipped ({work})")
    (work/'gpu_smoke.json').write_text(json.dumps(RESULTS, indent=1))
    return 1 if fails else 0

if __name__ == '__main__': sys.exit(main())

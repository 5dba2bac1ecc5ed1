"""GGUF export benchmark: load each file llmft writes in llama.cpp itself and compare with transformers.

For each family's tiny random model (`llmft.gguf.tiny_gguf_model`) and the bundled SmolLM2-135M-Instruct (real weights),
write GGUF files (f32, f16, q8_0, and q4_k_m through llama.cpp's quantizer), load them with llama-cpp-python, and compare on
a few chat prompts: the prompt's tokens (llama.cpp's tokenizer vs transformers'), the greedy answer (llama.cpp on the
file vs transformers on the source model, same prompt ids, stopping at the end of a turn), whether llama.cpp treats the
file's end-of-turn token as end of generation, how many greedy tokens agree before the first difference (per prompt), the largest difference of the next-token logits (relative to the largest
logit), and the speed of each (new tokens/s with BENCH_THREADS threads, default 2). The f32 file runs with a f32 KV
cache: it shows the conversion itself is exact; the others show what quantization costs.

Run: `python bench/bench_gguf.py [--tokens N] [--families llama3,qwen2,...] [--no-smollm]`, in an environment where both
llmft's requirements and llama-cpp-python (`pip install 'llmft[gguf-quant]'`) import. Printed, not asserted.
Without llama_cpp it says so and exits 0."""
import argparse, os, sys, tempfile, time
from pathlib import Path

THREADS = int(os.environ.get('BENCH_THREADS', '2'))
PROMPTS = ['What is your name?', 'What is 2 + 3?', 'Say hi.']
REAL_PROMPTS = ['What is the capital of France?', 'Write one sentence about the sea.', 'List three colours.']


def hf_greedy(model, ids, stop, n):
    "Greedy new tokens from transformers, up to `n` or a stop id, and the seconds it took."
    import torch
    t = time.perf_counter()
    with torch.no_grad():
        out = model.generate(torch.tensor([ids]), max_new_tokens=n, do_sample=False, eos_token_id=sorted(stop),
                             pad_token_id=sorted(stop)[0])
    new = out[0, len(ids):].tolist()
    return new, time.perf_counter() - t


def cpp_greedy(llm, ids, stop, n):
    "Greedy new tokens from llama.cpp on the same prompt ids, up to `n` or a stop id (the stop id kept, as HF does)."
    llm.reset()
    t, new = time.perf_counter(), []
    for tok in llm.generate(ids, top_k=1, top_p=1.0, temp=0.0, repeat_penalty=1.0, reset=True):
        new.append(tok)
        if tok in stop or len(new) >= n: break
    return new, time.perf_counter() - t


def bench_file(path, model, tok, prompts, n, eot, f32_cache=False):
    import llama_cpp, numpy as np, torch
    kv = dict(type_k=0, type_v=0) if f32_cache else {}  # GGML_TYPE_F32 for the f32 file: llama.cpp at full precision
    llm = llama_cpp.Llama(model_path=str(path), n_ctx=512, n_threads=THREADS, n_batch=512, verbose=False, **kv)
    vocab = llama_cpp.llama_model_get_vocab(llm.model)
    stop = {i for i in (tok.eos_token_id, eot) if i is not None}
    tok_eq = gen_eq = 0
    rel, prefix = 0.0, []
    hf_n = hf_s = cpp_n = cpp_s = 0.0
    for p in prompts:
        text = tok.apply_chat_template([{'role': 'user', 'content': p}], tokenize=False, add_generation_prompt=True)
        ids = tok(text, add_special_tokens=False)['input_ids']  # as apply_chat_template tokenizes (BOS in the text)
        cpp_ids = llm.tokenize(text.encode(), add_bos=False, special=True)
        tok_eq += cpp_ids == ids
        if cpp_ids != ids and os.environ.get('BENCH_DEBUG'): print('tokens differ:', ids, cpp_ids)
        llm.reset(); llm.eval(ids)
        cpp_logits = np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(llm.n_vocab(),)).copy()  # the last token's
        with torch.no_grad(): hf_logits = model(torch.tensor([ids])).logits[0, -1].float().numpy()
        rel = max(rel, float(np.abs(cpp_logits - hf_logits).max() / np.abs(hf_logits).max()))
        a, ta = hf_greedy(model, ids, stop, n)
        b, tb = cpp_greedy(llm, ids, stop, n)
        gen_eq += a == b
        prefix.append(next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b))))
        hf_n, hf_s, cpp_n, cpp_s = hf_n + len(a), hf_s + ta, cpp_n + len(b), cpp_s + tb
    eog = bool(eot is None or llama_cpp.llama_vocab_is_eog(vocab, eot))
    del llm
    return dict(tokens_equal=f'{tok_eq}/{len(prompts)}', rel_logit_diff=rel, greedy_equal=f'{gen_eq}/{len(prompts)}',
                same_first=' '.join(map(str, prefix)),
                eot_stops=eog,
                cpp_tps=cpp_n / cpp_s if cpp_s else 0.0, hf_tps=hf_n / hf_s if hf_s else 0.0,
                mb=path.stat().st_size / 2**20)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--tokens', type=int, default=24)
    ap.add_argument('--families', default=None)
    ap.add_argument('--no-smollm', action='store_true')
    args = ap.parse_args()
    try: import llama_cpp  # noqa: F401
    except ImportError:
        print("llama_cpp is not importable: pip install 'llmft[gguf-quant]' (llama-cpp-python) to run this benchmark")
        return
    import torch
    from transformers.utils import logging as hf_logging
    hf_logging.set_verbosity_error()
    torch.set_num_threads(THREADS)
    from llmft.gguf import TINY_FAMILIES, tiny_gguf_model, write_gguf, quantize_gguf, end_of_turn_id
    fams = args.families.split(',') if args.families else list(TINY_FAMILIES)
    cases = [(f, *tiny_gguf_model(f), PROMPTS) for f in fams]
    if not args.no_smollm:
        from llmft.model import load_pretrained
        m, t = load_pretrained('smollm2-135m-instruct')
        cases.append(('smollm2-135m', m.eval(), t, REAL_PROMPTS))
    rows = []
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        for name, model, tok, prompts in cases:
            eot = end_of_turn_id(tok)
            f16 = write_gguf(model, tok, d/f'{name}-f16.gguf', 'f16')
            files = [('f32', write_gguf(model, tok, d/f'{name}-f32.gguf', 'f32')), ('f16', f16),
                     ('q8_0', write_gguf(model, tok, d/f'{name}-q8_0.gguf', 'q8_0')),
                     ('q4_k_m', quantize_gguf(f16, d/f'{name}-q4_k_m.gguf', 'q4_k_m', threads=THREADS))]
            for dtype, path in files:
                r = dict(family=name, dtype=dtype,
                         **bench_file(path, model, tok, prompts, args.tokens, eot, f32_cache=dtype == 'f32'))
                rows.append(r)
                print(r, flush=True)
    cols = ['family', 'dtype', 'mb', 'tokens_equal', 'rel_logit_diff', 'greedy_equal', 'same_first', 'eot_stops',
            'cpp_tps', 'hf_tps']
    print('\n| ' + ' | '.join(cols) + ' |\n|' + '---|' * len(cols))
    for r in rows:
        fmt = lambda c, v: (f'{v:.1e}' if c == 'rel_logit_diff' else f'{v:.2f}' if c == 'mb' else f'{v:.1f}'
                            ) if isinstance(v, float) else str(v)
        print('| ' + ' | '.join(fmt(c, r[c]) for c in cols) + ' |')
    print(f'\nthreads: {THREADS} (llama.cpp and torch); greedy: up to {args.tokens} new tokens, llama.cpp on the file vs '
          'transformers on the source model from the same prompt ids')


if __name__ == '__main__':
    sys.exit(main())

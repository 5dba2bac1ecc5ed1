"""Data Worker benchmark: rows/s to prepare synthetic chat rows and peak memory, in memory (num_proc 1 and 2) vs streaming.

Run: `python bench/bench_data.py [ROWS]` (default 100000). Each setting runs in a fresh process so peak RSS is its own.
Printed, not asserted."""
import json, sys, os, time, resource, tempfile, subprocess
from pathlib import Path

def make_file(path, n):
    words = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu'.split()
    with open(path, 'w') as f:
        for i in range(n):
            q = ' '.join(words[(i + k) % len(words)] for k in range(8))
            msgs = [{'role': 'user', 'content': f'Question {i}: {q}?'}, {'role': 'assistant', 'content': f'Answer {i}: {q[::-1]}.'}]
            f.write(json.dumps({'messages': msgs}) + '\n')

def run_one(path, mode, nproc):
    os.environ['HF_DATASETS_DISABLE_PROGRESS_BARS'] = '1'
    import datasets; datasets.disable_progress_bars()
    from llmft.config import make_config
    from llmft.data import get_dataset
    from llmft.test_utils import tiny_tokenizer
    tok = tiny_tokenizer()
    cfg = make_config(dataset=path, cutoff_len=256, streaming=mode == 'streaming', preprocessing_num_workers=nproc)
    t = time.perf_counter()
    b = get_dataset(cfg, tok)
    n = sum(1 for _ in b.train) if mode == 'streaming' else len(b.train)
    dt = time.perf_counter() - t
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps(dict(rows=n, secs=dt, rss_mb=max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, kids) / 1024)))

if __name__ == '__main__':
    if sys.argv[1:2] == ['--one']: run_one(sys.argv[2], sys.argv[3], int(sys.argv[4]) if sys.argv[4] != '0' else None); sys.exit()
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as d:
        path = str(Path(d)/'chats.jsonl'); make_file(path, n)
        res = []
        for name, mode, nproc in [('in-memory, num_proc 1', 'memory', 0), ('in-memory, num_proc 2', 'memory', 2), ('streaming', 'streaming', 0)]:
            out = subprocess.run([sys.executable, __file__, '--one', path, mode, str(nproc)], capture_output=True, text=True, check=True)
            r = json.loads(out.stdout.strip().splitlines()[-1]); r['name'] = name; res.append(r)
        base = res[0]
        print(f'{n} synthetic chat rows, tiny tokenizer, cutoff_len 256')
        print(f"{'setting':<24}{'rows':>8}{'secs':>8}{'rows/s':>10}{'x base':>8}{'peak RSS MB':>13}{'x base':>8}")
        for r in res:
            rps = r['rows'] / r['secs']
            print(f"{r['name']:<24}{r['rows']:>8}{r['secs']:>8.1f}{rps:>10.0f}{rps / (base['rows'] / base['secs']):>8.2f}"
                  f"{r['rss_mb']:>13.0f}{r['rss_mb'] / base['rss_mb']:>8.2f}")

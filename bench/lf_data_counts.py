"""Row counts of LLaMA-Factory's demo datasets as LLaMA-Factory itself loads them (the goldens of tests/test_lf_data.py).

Run in an environment with `llamafactory` installed (never llmft's; see bench/lf_template_goldens.py for the install):

    DISABLE_VERSION_CHECK=1 /path/to/lf/bin/python bench/lf_data_counts.py ../shared/lf_real/data TOKENIZER_DIR

`TOKENIZER_DIR` is any Hugging Face tokenizer folder with a chat template (e.g. SmolLM2-135M-Instruct's, which llmft
keeps in ~/.cache/llmft/models/smollm2-135m-instruct). For each dataset of `dataset_info.json` with a local file
and no media, in the stage its columns call for (`ranking` → rm, a `kto_tag` → kto, only a `prompt` column → pt, else
sft), LF's `get_dataset` runs with the `default` template, its parser's defaults, and a cutoff (16384) longer than
every demo row. Written to
tests/data/lf_data_counts.json: `rows`, what LF's aligner read (the converter's output), and `examples`, what LF
trains on after its preprocessing (rows it finds invalid dropped; for pt, its fixed-length blocks).
This script must not import llmft.
"""
from __future__ import annotations
import json, os, sys, tempfile
from pathlib import Path

os.environ.setdefault('DISABLE_VERSION_CHECK', '1')
try: import torchaudio  # noqa: F401  (LF's mm_plugin imports it; an empty package is enough for text)
except ImportError:
    _stub = Path(tempfile.mkdtemp(prefix='lf_stub_'))
    (_stub/'torchaudio').mkdir(); (_stub/'torchaudio'/'__init__.py').write_text('')
    sys.path.insert(0, str(_stub))

from transformers import AutoTokenizer
from llamafactory.data import get_dataset, get_template_and_fix_tokenizer
from llamafactory.data.loader import _get_merged_dataset
from llamafactory.hparams import get_train_args

MEDIA = ('images', 'videos', 'audios')
CUTOFF = 16384  # longer than any demo row, in any tokenizer: no row is cut

def stage_of(entry:dict) -> str:
    cols = entry.get('columns', {})
    if entry.get('ranking'): return 'rm'
    if 'kto_tag' in cols: return 'kto'
    if set(cols) == {'prompt'}: return 'pt'
    return 'sft'

def main(data_dir:str, tok_dir:str, out:str='tests/data/lf_data_counts.json'):
    info = json.loads((Path(data_dir)/'dataset_info.json').read_text())
    tok = AutoTokenizer.from_pretrained(tok_dir)
    res = {}
    for name, e in info.items():
        if 'file_name' not in e or any(m in e.get('columns', {}) for m in MEDIA): continue
        stage = stage_of(e)
        work = tempfile.mkdtemp()
        # LF's own argument parser, so its defaults apply as in a real run (pt packs its rows, for one)
        margs, dargs, targs, _, _ = get_train_args(dict(
            model_name_or_path=tok_dir, stage=stage, do_train=True, finetuning_type='lora', dataset=name,
            dataset_dir=data_dir, template='default', cutoff_len=CUTOFF, overwrite_cache=True, output_dir=work,
            report_to='none'))
        template = get_template_and_fix_tokenizer(tok, dargs)
        rows = len(_get_merged_dataset(dargs.dataset, margs, dargs, targs, stage))
        examples = len(get_dataset(template, margs, dargs, targs, stage, tok)['train_dataset'])
        res[name] = {'stage': stage, 'rows': rows, 'examples': examples}
        print(name, res[name], file=sys.stderr, flush=True)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(json.dumps({'llamafactory': __import__('llamafactory').__version__, 'counts': res}, indent=1) + '\n')

if __name__ == '__main__': main(*sys.argv[1:])

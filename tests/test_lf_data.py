"""LLaMA-Factory's own demo datasets load in llmft, each in its stage, with the row counts LLaMA-Factory itself gives.

The counts in tests/data/lf_data_counts.json are LF 0.9.5's, produced by `bench/lf_data_counts.py` in an LF
environment. LF's data folder is read from ../shared/lf_real/data (a copy of LF's `data/`, not part of llmft); the
tests skip when it is absent.
"""
import json
from pathlib import Path
import pytest
from llmft.config import make_config
from llmft.data import DataError, get_dataset
from llmft.model import load_tokenizer

ROOT = Path(__file__).resolve().parents[1]
LF_DATA = ROOT.parent/'shared'/'lf_real'/'data'
GOLD = json.loads((ROOT/'tests'/'data'/'lf_data_counts.json').read_text())['counts']
STAGE = {'sft': 'sft', 'pt': 'pt', 'rm': 'rm', 'kto': 'kto'}
needs_lf = pytest.mark.skipif(not (LF_DATA/'dataset_info.json').is_file(), reason='LF data folder not found (../shared/lf_real)')

@pytest.fixture(scope='module')
def tok():
    "The bundled SmolLM2's tokenizer, which made the goldens (pt's packed block count depends on the tokenizer)."
    return load_tokenizer(make_config())

@needs_lf
@pytest.mark.parametrize('name', sorted(GOLD))
def test_lf_demo_dataset_counts(name, tok):
    "Every text dataset of LF's folder: as many rows read, and examples kept, as in LF."
    g = GOLD[name]
    cfg = make_config(dataset=name, dataset_dir=str(LF_DATA), stage=STAGE[g['stage']], cutoff_len=16384,  # as bench/lf_data_counts.py: no row is cut
                      template='default' if g['stage'] != 'pt' else None)
    b = get_dataset(cfg, tok)
    s = b.report.datasets[0]
    assert (s.rows, s.bad_rows) == (g['rows'], 0), b.report
    assert len(b.train) == g['examples'], b.report

@needs_lf
def test_lf_media_datasets_are_refused_by_name(tok):
    "A dataset with image, video or audio columns is refused, naming what llmft does not do, never half-loaded."
    info = json.loads((LF_DATA/'dataset_info.json').read_text())
    media = [n for n, e in info.items() if 'file_name' in e and {'images', 'videos', 'audios'} & set(e.get('columns', {}))]
    assert media, 'LF data folder without its mllm demos'
    for name in media:
        with pytest.raises((DataError, ValueError), match='multimodal|image|video|audio'):
            get_dataset(make_config(dataset=name, dataset_dir=str(LF_DATA)), tok)

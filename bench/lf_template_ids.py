"""Token ids and labels of llmft's templates against LLaMA-Factory's, with the goldens' tokenizer (a one-off check).

Two steps, in two environments (the LF one as in `lf_template_goldens.py`):

    DISABLE_VERSION_CHECK=1 lf/bin/python bench/lf_template_ids.py lf /tmp/lf_ids      # LF encodes; writes /tmp/lf_ids
    python bench/lf_template_ids.py llmft /tmp/lf_ids                                  # llmft encodes and compares

The `lf` step encodes every golden conversation with every template (`enable_thinking` on and off) through LF's
supervised processor, and, with `--data FILE` (a sharegpt file such as LF's `glaive_toolcall_en_demo.json`), every
row of that file (as LF's converter reads it) with the `--templates` given; it saves the tokenizer it used. The
`llmft` step adds LF's added tokens in LF's order, applies each template with `llmft.templates.apply_template`,
encodes with `encode_with_template` and counts the cases whose input ids and labels are identical.
"""
import argparse, copy, json, sys
from pathlib import Path

DATE = '26 Jul 2024'

def lf_step(out:Path, data=None, row_templates=()):
    sys.path.insert(0, str(Path(__file__).parent))
    import lf_template_goldens as G   # sets up LF (torchaudio stub, fixed tool-prompt date)
    from transformers import AutoTokenizer
    from llamafactory.data.template import TEMPLATES, get_template_and_fix_tokenizer
    from llamafactory.data.mm_plugin import get_mm_plugin
    from llamafactory.data.processor.supervised import SupervisedDatasetProcessor
    from llamafactory.hparams import DataArguments
    out.mkdir(parents=True, exist_ok=True)
    G.make_tokenizer(out/'tokenizer', G.dict_tokens())
    rows = []
    if data:
        from llamafactory.data.converter import SharegptDatasetConverter
        from llamafactory.data.parser import DatasetAttr
        attr = DatasetAttr('file', dataset_name='data', formatting='sharegpt')
        attr.tools, attr.messages = 'tools', 'conversations'
        conv = SharegptDatasetConverter(attr, DataArguments())
        rows = [conv(r) for r in json.loads(Path(data).read_text())]
    res = {}
    for name, t in sorted(TEMPLATES.items()):
        convs = dict(G.CONVERSATIONS)
        if type(t).__name__ in ('ReasoningTemplate', 'Glm47ReasoningTemplate'):
            convs.update(G.reasoning_conversations(*t.thought_words))
        cases = [(f'{c}|{et}', v['messages'], v.get('system', ''), v.get('tools', ''), et)
                 for c, v in convs.items() for et in (True, False)]
        if name in row_templates:
            cases += [(f'row{i}|True', r['_prompt'] + r['_response'], r['_system'], r['_tools'], True)
                      for i, r in enumerate(rows)]
        for key, msgs, system, tools, et in cases:
            tok = AutoTokenizer.from_pretrained(out/'tokenizer')
            tpl = copy.deepcopy(t); TEMPLATES['_ids'] = tpl
            if type(tpl.mm_plugin).__name__ != 'BasePlugin': tpl.mm_plugin = get_mm_plugin(name='base')
            args = DataArguments(template='_ids', enable_thinking=et, cutoff_len=1_000_000)
            tpl = get_template_and_fix_tokenizer(tok, args)
            ex = {'_prompt': [msgs[:-1]], '_response': [msgs[-1:]], '_system': [system], '_tools': [tools],
                  '_images': [None], '_videos': [None], '_audios': [None]}
            try: o = SupervisedDatasetProcessor(template=tpl, tokenizer=tok, processor=None, data_args=args).preprocess_dataset(ex)
            except Exception as e: o = dict(error=str(e))
            res[f'{name}|{key}'] = dict(messages=msgs, system=system, tools=tools, added=tok.get_added_vocab(),
                                        **({'error': o['error']} if 'error' in o else
                                           dict(ids=o['input_ids'][0], labels=o['labels'][0])))
        TEMPLATES.pop('_ids', None)
    (out/'lf_ids.json').write_text(json.dumps(res, ensure_ascii=False))
    print(f'{len(res)} cases written to {out}')

def llmft_step(out:Path):
    from transformers import AutoTokenizer
    import llmft.templates as T
    T._today = lambda: DATE
    res = json.loads((out/'lf_ids.json').read_text())
    same, differ, errors = 0, [], []
    for key, v in res.items():
        name, _, et = key.split('|')
        t = T.get_template(name)
        tok = AutoTokenizer.from_pretrained(out/'tokenizer')
        new = [w for w, i in sorted(v['added'].items(), key=lambda x: x[1]) if w not in tok.get_added_vocab()]
        if new: tok.add_special_tokens({'additional_special_tokens': new}, replace_extra_special_tokens=False)
        T.apply_template(t, tok, et == 'True')
        msgs = ([{'role': 'system', 'content': v['system']}] if v['system'] else []) + [
            T.function_message(m['content']) if m['role'] == 'function' else
            {'role': 'tool' if m['role'] == 'observation' else m['role'], 'content': m['content']} for m in v['messages']]
        try: r = T.encode_with_template(t, tok, msgs, v['tools'] or None, cutoff_len=1_000_000,
                                        enable_thinking=et == 'True')
        except ValueError as e: r = dict(error=str(e))
        if 'error' in v: (errors if 'error' in r else differ).append(key)
        elif (r.get('input_ids'), r.get('labels')) == (v['ids'], v['labels']): same += 1
        else: differ.append(key)
    print(f'{same} cases with the same input ids and labels as LF; {len(errors)} refused by both; {len(differ)} differ')
    for k in differ[:20]: print('  differs:', k)
    return 0 if not differ else 1

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('step', choices=['lf', 'llmft'])
    p.add_argument('out', type=Path)
    p.add_argument('--data', help='a sharegpt JSON file (with a tools column) whose rows are encoded too (lf step)')
    p.add_argument('--templates', default='qwen,qwen3,llama3,glm4,mistral,default,gemma2,qwen3_5,gemma4,lfm2',
                   help='the templates that encode the --data rows')
    a = p.parse_args()
    sys.exit(lf_step(a.out, a.data, a.templates.split(',')) if a.step == 'lf' else llmft_step(a.out))

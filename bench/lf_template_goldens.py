"""Golden renderings of LLaMA-Factory's chat templates, produced by LLaMA-Factory itself.

Run in an environment with `llamafactory` installed (never llmft's: LF pins older transformers/peft/trl):

    python3 -m venv lf && lf/bin/pip install torch==2.13.0 && lf/bin/pip install llamafactory==0.9.5 torch==2.13.0
    lf/bin/pip uninstall -y torchvision torchaudio
    DISABLE_VERSION_CHECK=1 lf/bin/python bench/lf_template_goldens.py            # writes tests/data/lf_templates.json

For every template in `llamafactory.data.template.TEMPLATES` and every conversation below, the conversation goes
through LF's own training path for supervised data (`get_template_and_fix_tokenizer`, then
`SupervisedDatasetProcessor.preprocess_dataset`, which calls `Template.encode_multiturn`) with a fixed, offline
tokenizer. The token ids are decoded back to text, and the labels become character spans, so the goldens do not
depend on the tokenizer's merges:

- `text`: the decoded input ids (an index into `texts`, where each distinct text is kept once);
- `trained`: `[start, end)` character spans of the tokens whose label is the token itself;
- `eos_labels`: character offsets of tokens whose label is the EOS although the token is not (LF's `efficient_eos`:
  the first token after a response is labelled EOS, so the model learns to stop without an EOS in the text);
- `error`: the message when LF refuses the conversation (e.g. parallel calls in GLM-4's tool format).

A case name is a conversation's name, with `/nothink` (`enable_thinking: false`, reasoning templates) or
`/mask_history` (only the last reply trained) when LF ran with that option.

Templates with a multimodal plugin need a model processor in LF even for text-only rows ("Processor was not
found"); for those the plugin is replaced by LF's base plugin (which is what the plugin does for a row without
media) and the template is marked `multimodal`. This script must not import llmft.
"""
from __future__ import annotations
import argparse, copy, datetime as _dt, json, os, sys, tempfile
from pathlib import Path

os.environ.setdefault('DISABLE_VERSION_CHECK', '1')
try: import torchaudio  # noqa: F401  (LF's mm_plugin imports it; PyPI has none for the CPU torch used here)
except ImportError:   # an empty package is enough for text-only use
    _stub = Path(tempfile.mkdtemp(prefix='lf_stub_'))
    (_stub/'torchaudio').mkdir(); (_stub/'torchaudio'/'__init__.py').write_text('')
    sys.path.insert(0, str(_stub))

import llamafactory
from llamafactory.data import tool_utils
from llamafactory.data.template import TEMPLATES, get_template_and_fix_tokenizer
from llamafactory.data.mm_plugin import get_mm_plugin
from llamafactory.data.processor.supervised import SupervisedDatasetProcessor
from llamafactory.hparams import DataArguments

FIXED_DATE = _dt.datetime(2024, 7, 26)   # the Llama 3 tool prompt writes today's date

class _FixedDatetime(_dt.datetime):
    @classmethod
    def now(cls, tz=None): return FIXED_DATE

tool_utils.datetime = _FixedDatetime

TOOLS = [{"name": "get_weather", "description": "Get the current weather in a city.",
          "parameters": {"type": "object", "properties": {
              "city": {"type": "string", "description": "The city name."},
              "unit": {"type": "string", "description": "Temperature unit.", "enum": ["celsius", "fahrenheit"]},
              "days": {"type": "array", "description": "Days ahead.", "items": {"type": "integer"}}},
              "required": ["city"]}}]
# the OpenAI-style wrapped form, which the tool formats unwrap (or keep) each in their own way
TOOLS_WRAPPED = [{"type": "function", "function": {"name": "now", "description": "The time.",
                  "parameters": {"type": "object", "properties": {"tz": {"type": "string"}}}}}]
CALL = {"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}
CALL2 = {"name": "get_weather", "arguments": {"city": "Lyon", "days": [1, 2]}}

def _m(role, content): return {"role": role, "content": content}

# LF's internal form: roles user / assistant / function (a call, as JSON) / observation (a tool result)
CONVERSATIONS = {
    "single": dict(messages=[_m("user", "What is 2 + 3?"), _m("assistant", "5")]),
    "system": dict(system="Answer briefly.", messages=[_m("user", "Capital of France?"), _m("assistant", "Paris.")]),
    "multi": dict(system="Be kind. Use \"quotes\" and 'apostrophes'.", messages=[
        _m("user", "Say hi."), _m("assistant", "Hi!"), _m("user", "Grüße auf Deutsch? 你好"),
        _m("assistant", "Grüße! — 你好 {ok}"), _m("user", "Say bye."), _m("assistant", "Bye!\n")]),
    "tools": dict(system="You are a weather bot.", tools=json.dumps(TOOLS, ensure_ascii=False), messages=[
        _m("user", "Weather in Paris?"), _m("function", json.dumps(CALL, ensure_ascii=False)),
        _m("observation", '{"temperature": 22, "condition": "sunny"}'), _m("assistant", "It is 22 °C and sunny."),
        _m("user", "Thanks!"), _m("assistant", "You are welcome.")]),
    "tools_nosystem": dict(tools=json.dumps(TOOLS_WRAPPED), messages=[
        _m("user", "Time?"), _m("function", '{"name": "now", "arguments": {"tz": "UTC"}}'),
        _m("observation", "12:00"), _m("assistant", "Noon.")]),
    "parallel": dict(messages=[
        _m("user", "Weather in Paris and Lyon?"), _m("function", json.dumps([CALL, CALL2], ensure_ascii=False)),
        _m("observation", '["22 degrees", "18 degrees"]'), _m("assistant", "Paris 22, Lyon 18.")]),
}

def reasoning_conversations(open_, close):
    "Conversations with thoughts written in the template's own thought words."
    return {
        "reasoning": dict(messages=[
            _m("user", "What is 2 + 3?"), _m("assistant", f"{open_}2 plus 3 is 5.{close}5"),
            _m("user", "And 4 + 4?"), _m("assistant", "8"),
            _m("user", "And 1 + 1?"), _m("assistant", f"{open_}Easy.{close}2")]),
        "reasoning_tools": dict(messages=[
            _m("user", "Weather in Paris?"),
            _m("function", f"{open_}I should call the tool.{close}" + json.dumps(CALL, ensure_ascii=False)),
            _m("observation", "22 degrees"), _m("assistant", f"{open_}Report it.{close}22 degrees.")]),
    }

def make_tokenizer(folder, extra_special):
    "A tiny byte-level BPE tokenizer (any text encodes and decodes exactly), saved to `folder`."
    from tokenizers import Tokenizer, models, pre_tokenizers, decoders, trainers
    from transformers import PreTrainedTokenizerFast
    tk = Tokenizer(models.BPE())
    tk.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tk.decoder = decoders.ByteLevel()
    corpus = [m["content"] for c in CONVERSATIONS.values() for m in c["messages"]] + ["system user assistant"]
    specials = ["<unk>", "<s>", "</s>"] + sorted(extra_special)
    tk.train_from_iterator(corpus, trainers.BpeTrainer(vocab_size=500, special_tokens=specials,
                                                        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tok = PreTrainedTokenizerFast(tokenizer_object=tk, bos_token="<s>", eos_token="</s>", unk_token="<unk>",
                                  additional_special_tokens=sorted(extra_special), clean_up_tokenization_spaces=False)
    tok.save_pretrained(folder)

def dict_tokens():
    "Tokens that templates name by id (`{'token': ...}` slots): they must exist in the vocabulary."
    out = set()
    for t in TEMPLATES.values():
        for f in (t.format_user, t.format_assistant, t.format_system, t.format_function, t.format_observation,
                  t.format_prefix):
            out |= {s["token"] for s in f.slots if isinstance(s, dict)}
    return out

def spans_from_labels(tok, ids, labels, text):
    "Trained character spans and EOS-label offsets of one encoded example."
    def at(k):
        s = tok.decode(ids[:k], skip_special_tokens=False, clean_up_tokenization_spaces=False)
        assert text.startswith(s), (k, s[-40:])
        return len(s)
    trained, eos, i = [], [], 0
    while i < len(ids):
        if labels[i] == ids[i]:
            j = i
            while j < len(ids) and labels[j] == ids[j]: j += 1
            trained.append([at(i), at(j)]); i = j
        else:
            if labels[i] != -100: eos.append([at(i), tok.convert_ids_to_tokens(labels[i])])
            i += 1
    return trained, eos

def encode(tok_dir, name, conv, enable_thinking=True, mask_history=False):
    from transformers import AutoTokenizer
    tok = AutoTokenizer.from_pretrained(tok_dir)
    tpl = copy.deepcopy(TEMPLATES[name])
    TEMPLATES["_golden"] = tpl
    multimodal = type(tpl.mm_plugin).__name__ != "BasePlugin"
    if multimodal: tpl.mm_plugin = get_mm_plugin(name="base")
    args = DataArguments(template="_golden", enable_thinking=enable_thinking, cutoff_len=100_000,
                         mask_history=mask_history)
    tpl = get_template_and_fix_tokenizer(tok, args)
    msgs = conv["messages"]
    ex = {"_prompt": [msgs[:-1]], "_response": [msgs[-1:]], "_system": [conv.get("system", "")],
          "_tools": [conv.get("tools", "")], "_images": [None], "_videos": [None], "_audios": [None]}
    proc = SupervisedDatasetProcessor(template=tpl, tokenizer=tok, processor=None, data_args=args)
    try: out = proc.preprocess_dataset(ex)
    except Exception as e: return tok, tpl, {"error": f"{type(e).__name__}: {e}"}
    ids, labels = out["input_ids"][0], out["labels"][0]
    text = tok.decode(ids, skip_special_tokens=False, clean_up_tokenization_spaces=False)
    trained, eos = spans_from_labels(tok, ids, labels, text)
    return tok, tpl, {"text": text, "trained": trained, "eos_labels": eos}

def main(out):
    results = {}
    with tempfile.TemporaryDirectory() as d:
        make_tokenizer(d, dict_tokens())
        for name, t in sorted(TEMPLATES.items()):
            if name == "_golden": continue
            reasoning = type(t).__name__ in ("ReasoningTemplate", "Glm47ReasoningTemplate")
            convs = dict(CONVERSATIONS)
            if reasoning: convs.update(reasoning_conversations(*t.thought_words))
            cases = {}
            for cname, conv in convs.items():
                tok, tpl, cases[cname] = encode(d, name, conv)
                if cname not in CONVERSATIONS: cases[cname]["conversation"] = conv
                if reasoning and cname in ("single", "reasoning", "reasoning_tools"):
                    cases[cname + "/nothink"] = encode(d, name, conv, enable_thinking=False)[2]
                    if cname not in CONVERSATIONS: cases[cname + "/nothink"]["conversation"] = conv
                if cname in ("multi", "reasoning"):   # only the last reply trained (and old thoughts dropped)
                    cases[cname + "/mask_history"] = encode(d, name, conv, mask_history=True)[2]
                    if cname not in CONVERSATIONS: cases[cname + "/mask_history"]["conversation"] = conv
            results[name] = dict(
                kind=type(t).__name__, multimodal=type(t.mm_plugin).__name__ != "BasePlugin",
                eos_token=tok.eos_token, bos_token=tok.bos_token, pad_token=tok.pad_token,
                stop_tokens=sorted(tok.convert_ids_to_tokens(tpl.get_stop_token_ids(tok))), cases=cases)
            print(name, sum('error' in c for c in cases.values()), 'errors', file=sys.stderr)
    TEMPLATES.pop("_golden", None)
    texts = {}   # many templates render the same text: keep each text once, cases point to it
    for t in results.values():
        for c in t["cases"].values():
            if "text" in c: c["text"] = texts.setdefault(c["text"], len(texts))
    doc = {"about": "LLaMA-Factory's own renderings of its chat templates (bench/lf_template_goldens.py)",
           "llamafactory": llamafactory.__version__, "tool_date": FIXED_DATE.strftime("%d %b %Y"),
           "tokenizer": {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"},
           "conversations": CONVERSATIONS, "templates": results, "texts": list(texts)}
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    dump = lambda v: json.dumps(v, ensure_ascii=False)
    lines = [f"{dump(k)}: {dump(v)}" for k, v in doc.items() if k not in ("templates", "texts")]
    lines.append('"templates": {\n' + ",\n".join(f"{dump(k)}: {dump(v)}" for k, v in results.items()) + "\n}")
    lines.append('"texts": [\n' + ",\n".join(map(dump, doc["texts"])) + "\n]")
    Path(out).write_text("{\n" + ",\n".join(lines) + "\n}\n")   # one line per template and per text
    print(f"{len(results)} templates written to {out}", file=sys.stderr)

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=str(Path(__file__).resolve().parent.parent/"tests"/"data"/"lf_templates.json"))
    main(p.parse_args().out)

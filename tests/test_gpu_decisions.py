"""Every hardware decision, for each GPU persona, tested on a CPU by faking what torch reports (`llmft.hardware.fake_cuda`):
a T4 answers capability 7.5 and `is_bf16_supported() == True` (emulation), the L4 8.9, the A100s 8.0, the H100 9.0,
and the Kaggle 2xT4 two devices. Nothing here decides from a hand-built `Hardware`: detection runs on torch's answers."""
import pytest, torch, transformers
from llmft.config import ConfigError, make_config
from llmft.hardware import GPU_PERSONAS, detect_hardware, fake_cuda
import llmft.hardware as hardware
from llmft.model import decide, load_model
from llmft.test_utils import tiny_model_dir
from llmft.trainer import training_args

GPUS = list(GPU_PERSONAS)  # T4, L4, A100-40GB, A100-80GB, H100, 2xT4
NATIVE_BF16 = {'T4': False, 'L4': True, 'A100-40GB': True, 'A100-80GB': True, 'H100': True, '2xT4': False}
CASES = {'auto': {}, 'bf16=false': dict(bf16=False), 'fp16=false': dict(fp16=False),
         'both false': dict(bf16=False, fp16=False), 'fp16=true': dict(fp16=True)}
DTYPES = {'fp16': torch.float16, 'bf16': torch.bfloat16, 'fp32': torch.float32}
LLAMA2_7B = transformers.LlamaConfig(hidden_size=4096, intermediate_size=11008, num_hidden_layers=32, num_attention_heads=32,
                                     vocab_size=32000)

def expected_precision(gpu, case):
    if case in ('both false',): return 'fp32'
    if case == 'fp16=false': return 'bf16' if NATIVE_BF16[gpu] else 'fp32'
    if case in ('bf16=false', 'fp16=true'): return 'fp16'
    return 'bf16' if NATIVE_BF16[gpu] else 'fp16'

@pytest.fixture(scope='module')
def tiny(tmp_path_factory): return str(tiny_model_dir(tmp_path_factory.mktemp('m')/'tiny'))

class Stop(Exception): pass

def loaded_with(monkeypatch, cfg, trainable=True):
    "What `load_model(cfg)` passes to `from_pretrained` (on the faked GPU; the load itself is stopped there)."
    calls = []
    def record(src, **kw): calls.append(kw); raise Stop
    monkeypatch.setattr(transformers.AutoModelForCausalLM, 'from_pretrained', record)
    with pytest.raises(Stop): load_model(cfg, trainable=trainable)
    return calls[0]

@pytest.mark.parametrize('gpu', GPUS)
def test_detection_reads_native_bf16(gpu):
    with fake_cuda(gpu):
        assert torch.cuda.is_bf16_supported() is True  # what torch says, emulation included
        hw = detect_hardware()
    assert (hw.cuda, hw.bf16, hw.gpu_count) == (True, NATIVE_BF16[gpu], 2 if gpu == '2xT4' else 1)

@pytest.mark.parametrize('case', CASES)
@pytest.mark.parametrize('gpu', GPUS)
def test_precision_agrees_everywhere(monkeypatch, tiny, gpu, case):
    "The weights' dtype, the 4-bit compute dtype and the trainer's autocast follow one precision."
    cfg = make_config(model_name_or_path=tiny, quantization_bit=4, **CASES[case])
    want = expected_precision(gpu, case)
    with fake_cuda(gpu):
        kw = loaded_with(monkeypatch, cfg)
        args = training_args(cfg, args_cls=dict)
        dec = decide(cfg)
    assert dec.precision == want
    assert kw['dtype'] == DTYPES[want] and kw['quantization_config'].bnb_4bit_compute_dtype == DTYPES[want]
    assert (args['fp16'], args['bf16'], args['use_cpu']) == (want == 'fp16', want == 'bf16', False)
    assert kw['device_map'] == {'': 0} and kw['attn_implementation'] == 'sdpa'

@pytest.mark.parametrize('gpu', GPUS)
def test_bf16_refused_without_native_bf16(gpu):
    with fake_cuda(gpu):
        for key in ('bf16', 'pure_bf16'):
            kw = {key: True, 'finetuning_type': 'full'}
            if NATIVE_BF16[gpu]: assert decide(make_config(**kw)).precision in ('bf16', 'pure_bf16')
            else:
                with pytest.raises(ConfigError, match=r'\(Tesla T4\) has no bf16 support'): decide(make_config(**kw))

@pytest.mark.parametrize('gpu', GPUS)
def test_attention(monkeypatch, gpu):
    monkeypatch.setattr(hardware, '_flash_attn_imports', lambda: True)  # flash-attn installed, its extension loads
    with fake_cuda(gpu):
        assert decide(make_config()).attention == ('flash_attention_2' if NATIVE_BF16[gpu] else 'sdpa')
        assert decide(make_config(flash_attn='sdpa')).attention == 'sdpa'
        if not NATIVE_BF16[gpu]:
            with pytest.raises(ConfigError, match='sm75'): decide(make_config(flash_attn='fa2'))
    monkeypatch.setattr(hardware, '_flash_attn_imports', lambda: False)  # installed but broken, or absent
    with fake_cuda(gpu): assert decide(make_config()).attention == 'sdpa'

@pytest.mark.parametrize('gpu', GPUS)
def test_unsloth_routing(monkeypatch, gpu):
    with fake_cuda(gpu): assert not decide(make_config()).unsloth  # not installed here
    monkeypatch.setattr(hardware, '_unsloth_installed', lambda: True)
    with fake_cuda(gpu):
        assert decide(make_config(quantization_bit=4)).unsloth
        for kw in (dict(use_dora=True), dict(packing=True), dict(finetuning_type='freeze'), dict(new_special_tokens='<t>'),
                   dict(flash_attn='eager'), dict(stage='rm')):
            d = decide(make_config(**kw))
            assert not d.unsloth and 'Unsloth would drop' in d.unsloth_why, kw
        assert decide(make_config(use_unsloth='false')).unsloth is False
        assert decide(make_config(), purpose='generate').unsloth is False

@pytest.mark.parametrize('gpu', GPUS)
def test_checkpointing_and_quantization(gpu):
    "A 7B QLoRA run at 4 x 2048 tokens fits the 80 GB GPUs without checkpointing, and needs it on the others."
    cfg = make_config(quantization_bit=4, lora_rank=16, cutoff_len=2048, per_device_train_batch_size=4)
    with fake_cuda(gpu): d = decide(cfg, model_config=LLAMA2_7B)
    assert d.gradient_checkpointing == (gpu not in ('A100-80GB', 'H100')), d.checkpointing_why
    assert d.compute_dtype == ('bfloat16' if NATIVE_BF16[gpu] else 'float16')
    assert d.quantization == '4-bit bitsandbytes nf4, double quantization'
    with fake_cuda(gpu): assert decide(make_config(gradient_checkpointing='true')).gradient_checkpointing

@pytest.mark.parametrize('gpu', GPUS)
def test_processes(monkeypatch, gpu):
    two = gpu == '2xT4'
    monkeypatch.setattr(torch.cuda, 'set_device', lambda device: None)  # nothing runs on a GPU here
    cfg = make_config(quantization_bit=4, per_device_train_batch_size=4)
    with fake_cuda(gpu):
        d = decide(cfg)
        args = training_args(cfg)
    assert (d.processes.count, d.processes.gpus_unused, d.one_gpu) == (1, int(two), two)
    assert (args.n_gpu, args.train_batch_size) == (1, 4)  # never twice the batch on GPU 0
    with fake_cuda(gpu): assert decide(cfg, purpose='generate').processes.count == 1
    monkeypatch.setenv('WORLD_SIZE', '2')
    with fake_cuda(gpu): assert (decide(cfg).processes.count, decide(cfg).one_gpu) == (2, False)

@pytest.mark.parametrize('gpu', GPUS)
def test_generation_loads_on_the_gpu(monkeypatch, tiny, gpu):
    "chat, predict, eval, the API and export load on GPU 0 in the GPU's precision (never fp32 on the CPU); a CPU keeps fp32."
    want = DTYPES['bf16' if NATIVE_BF16[gpu] else 'fp16']
    for bits in (None, 4):
        cfg = make_config(model_name_or_path=tiny, quantization_bit=bits)
        with fake_cuda(gpu):
            kw = loaded_with(monkeypatch, cfg, trainable=False)
        assert (kw['dtype'], kw['device_map']) == (want, {'': 0})
        if bits: assert kw['quantization_config'].bnb_4bit_compute_dtype == want
    kw = loaded_with(monkeypatch, make_config(model_name_or_path=tiny), trainable=False)  # this CPU
    assert kw['dtype'] == torch.float32 and 'device_map' not in kw

"""The documentation site builds offline (`make docs`) and renders in a real browser.

The browser test needs Debian's `chromium`; without it the test is skipped, except under CI (`CI=true`),
where `.ci/run` installs it and a missing browser is a failure."""
import os, re, shutil, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT/'_docs'
API_PAGES = {'00_config.html': ['make_config', 'load_config', 'ConfigError'],
             '01_catalog.html': ['resolve_model', 'bundled_model_path', 'fix_special_tokens'],
             '01a_hardware.html': ['detect_hardware', 'persona', 'choose_precision', 'choose_attention'],
             '02_data.html': ['get_dataset', 'DataCollator', 'ExampleView'],
             '02a_templates.html': ['ChatTemplate', 'render_chat', 'chat_jinja', 'TOOL_FORMATS'],
             '03_model.html': ['load_model', 'decide', 'Decisions', 'load_tokenizer', 'load_trained', 'make_optimizer'],
             '03a_memory.html': ['estimate_memory', 'recommend'],
             '04b_finetune.html': ['finetune', 'run_demo'],
             '04_trainer.html': ['LlmftTrainer', 'causal_lm_loss', 'RunGuard', 'train'],
             '04a_stages.html': ['TorchLogProbHead', 'trl_cpu_fallback'],
             '05_inference.html': ['generate', 'stream', 'load_for_inference'],
             '05a_api.html': ['ModelServer', 'ChatRequest', 'serve'],
             '05b_export.html': ['export_merged', 'export_gguf', 'parity'],
             '05c_gguf.html': ['write_gguf', 'quantize_gguf', 'write_modelfile', 'render_go_template'],
             '06_eval.html': ['load_metric', 'perplexity', 'mc_eval', 'compare'],
             '07_widgets.html': ['ConfigForm', 'field_visible', 'TrainDashboard'],
             '08_cli.html': ['cmd_check', 'main'],
             '09_doctor.html': ['doctor', 'DoctorReport', 'check_versions', 'check_gpu', 'check_disk'],
             '97_test_utils.html': ['tiny_llama', 'tiny_tokenizer']}

@pytest.fixture(scope='module')
def site():
    r = subprocess.run([sys.executable, str(ROOT/'.ci'/'build_docs.py')], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout + r.stderr
    return DOCS

def test_site_has_every_module_page(site):
    assert (site/'index.html').is_file()
    for page, names in API_PAGES.items():
        html = (site/page).read_text(encoding='utf-8')
        for n in names: assert n in html, f'{n} is not documented in {page}'

def test_home_page_matches_readme(site):
    text = re.sub(r'\s+', ' ', re.sub(r'<[^>]+>', '', (site/'index.html').read_text(encoding='utf-8')))
    assert 'make demo' in text and 'make test' in text

def _chromium():
    for name in ('chromium', 'chromium-browser', 'google-chrome'):
        if p := shutil.which(name): return p
    if os.environ.get('CI'): pytest.fail('chromium is missing under CI: .ci/run should have installed it')
    pytest.skip('no chromium here (apt-get install chromium)')

@pytest.mark.parametrize('page', ['index.html', '04_trainer.html'])
def test_pages_render_in_browser(site, tmp_path, page):
    "The home page and an API page render in headless chromium: a non-blank screenshot, navigation to the API and tutorials."
    chrome = _chromium()
    shot = tmp_path/'page.png'
    base = [chrome, '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
            '--disable-component-update', '--no-first-run', f'--user-data-dir={tmp_path/"profile"}']
    url = (site/page).as_uri()
    r = subprocess.run(base + ['--window-size=1280,900', f'--screenshot={shot}', url], capture_output=True, text=True, timeout=120)
    assert shot.is_file(), r.stderr
    from PIL import Image
    im = Image.open(shot).convert('L')
    lo, hi = im.getextrema()
    assert hi - lo > 100, 'the screenshot is blank'
    assert sum(1 for n in im.resize((64, 48)).histogram() if n) > 10, 'the screenshot shows almost nothing'
    dom = subprocess.run(base + ['--dump-dom', url], capture_output=True, text=True, timeout=120).stdout
    assert '<nav' in dom and '00_config.html' in dom and 'tutorials/01_quickstart.html' in dom, 'navigation is missing'

def test_quickstart_page_shows_its_results(site):
    "The quick start's page shows the before/after scores and the loss curve of a real run, and its prose keeps `<city>`."
    page = (site/'tutorials'/'01_quickstart.html').read_text(encoding='utf-8')
    base, tuned = map(int, re.search(r'exact_match: base (\d+)%, tuned (\d+)%', page).groups())
    assert tuned >= 90 > base
    assert re.search(r'<img[^>]+src="[^"]+"', page), 'the loss curve is missing'
    assert 'Capital: &lt;city&gt;' in page and 'Capital: <city>' not in page

def test_prose_is_escaped():
    "What looks like a tag in prose but is not HTML is shown as text; HTML, links and code are left alone."
    sys.path.insert(0, str(ROOT/'.ci'))
    from build_docs import escape_prose
    assert escape_prose('the form “Capital: <city>”') == 'the form “Capital: &lt;city&gt;”'
    kept = 'a <b>bold</b> word, <https://example.org>, `x = "<city>"` and\n```\n<city>\n```\n'
    assert escape_prose(kept) == kept

def test_sidebar_lists_tutorials_first_then_every_notebook():
    "The navigation starts with the tutorials in learning order; every notebook appears exactly once."
    import yaml
    side = yaml.safe_load((ROOT/'nbs'/'sidebar.yml').read_text())['website']['sidebar']['contents']
    flat = lambda items: [x for i in items for x in (flat(i['contents']) if isinstance(i, dict) else [i])]
    listed = flat(side)
    nbs = sorted(str(p.relative_to(ROOT/'nbs')) for p in (ROOT/'nbs').rglob('*.ipynb')
                 if not any(part.startswith(('_', '.')) for part in p.relative_to(ROOT/'nbs').parts))
    assert sorted(listed) == nbs and len(listed) == len(set(listed))
    tutorials = [x for x in listed if x.startswith('tutorials/')]
    assert listed[1:1 + len(tutorials)] == sorted(tutorials), 'the tutorials come first, in learning order'

"The package's shape: only the Model Loader builds models and tokenizers, and no module imports itself in a circle."
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT/'llmft'
ALLOWED_FROM_PRETRAINED = {('llmft.model', None), ('llmft.catalog', 'convert_gguf')}  # (module, function); None: anywhere

def _modules() -> dict:
    "`{module name: parsed tree}` for every Python file of the package (the generated index excluded)."
    out = {}
    for p in sorted(PKG.rglob('*.py')):
        if p.name == '_modidx.py': continue
        parts = p.relative_to(ROOT).with_suffix('').parts
        name = '.'.join(parts[:-1] if parts[-1] == '__init__' else parts)
        out[name] = (ast.parse(p.read_text(encoding='utf-8')), p.name == '__init__.py')
    return out

def _from_pretrained_calls(tree):
    "`(function name or None, line)` of every `something.from_pretrained(...)` call in `tree`."
    found = []
    def visit(node, fn):
        for child in ast.iter_child_nodes(node):
            f = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) and fn is None else fn
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute) and child.func.attr == 'from_pretrained':
                found.append((fn, child.lineno))
            visit(child, f)
    visit(tree, None)
    return found

def test_only_the_model_loader_calls_from_pretrained():
    bad = [f'{mod}:{line} (in {fn or "module level"})' for mod, (tree, _) in _modules().items()
           for fn, line in _from_pretrained_calls(tree)
           if (mod, None) not in ALLOWED_FROM_PRETRAINED and (mod, fn) not in ALLOWED_FROM_PRETRAINED]
    assert not bad, 'models, tokenizers, configs and adapters are loaded by llmft.model only; found: ' + ', '.join(bad)

def _imports(mod:str, tree, is_pkg:bool, known:set) -> set:
    "The `llmft` modules `mod` imports, at the top or inside functions."
    out, pkg = set(), mod if is_pkg else mod.rpartition('.')[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split('.')[0] == 'llmft'}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg.split('.')
                base = base[:len(base) - node.level + 1]
                target = '.'.join(base + ([node.module] if node.module else []))
            else: target = node.module or ''
            if target.split('.')[0] != 'llmft': continue
            out.add(target)
            out |= {f'{target}.{a.name}' for a in node.names if f'{target}.{a.name}' in known}  # from llmft import model
    return {m for m in out if m in known and m != mod}

def import_graph() -> dict:
    mods = _modules()
    return {m: _imports(m, tree, is_pkg, set(mods)) for m, (tree, is_pkg) in mods.items()}

def _cycle(graph):
    "A list of modules that import each other in a circle, or None."
    state, stack = {}, []
    def dfs(m):
        state[m] = 'open'; stack.append(m)
        for n in sorted(graph.get(m, ())):
            if state.get(n) == 'open': return stack[stack.index(n):] + [n]
            if n not in state and (c := dfs(n)): return c
        state[m] = 'done'; stack.pop()
    for m in sorted(graph):
        if m not in state and (c := dfs(m)): return c

def test_no_import_cycles():
    g = import_graph()
    assert {'llmft.model', 'llmft.trainer', 'llmft.stages', 'llmft.memory'} <= set(g)
    assert 'llmft.model' in g['llmft.trainer'] and 'llmft.trainer' in g['llmft.stages']  # the graph sees the edges
    assert (c := _cycle(g)) is None, 'import cycle: ' + ' -> '.join(c)

def test_cycle_finder_finds_cycles():
    assert _cycle({'a': {'b'}, 'b': {'c'}, 'c': {'a'}}) == ['a', 'b', 'c', 'a']
    assert _cycle({'a': {'b'}, 'b': set()}) is None

def private_imports() -> list[str]:
    "`module:line name` wherever a module imports another llmft module's private (`_name`) object."
    bad = []
    for mod, (tree, is_pkg) in _modules().items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom): continue
            if not (node.level or (node.module or '').split('.')[0] == 'llmft'): continue
            bad += [f'{mod}:{node.lineno} {a.name}' for a in node.names
                    if a.name.startswith('_') and not a.name.startswith('__')]
    return bad

def test_no_private_name_crosses_modules():
    "A module uses another's public names only: what is private can change without breaking its neighbours."
    bad = private_imports()
    assert not bad, "private names imported from another llmft module (make them public, or move the code): " + ', '.join(bad)

"Code lines fit the page: no line of the package is longer than 110 characters (the generated index aside)."
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX = 110

def long_lines(path:Path, root:Path=ROOT) -> list[str]:
    "`file:line (length)` of each line over `MAX` characters, but the first (module docstring) and `__all__`'s."
    out, in_all = [], False
    for i, line in enumerate(path.read_text(encoding='utf-8').splitlines(), 1):
        if line.startswith('__all__ = ['): in_all = not line.rstrip().endswith(']'); continue
        if in_all:  # a continuation line of a long `__all__`
            in_all = not line.rstrip().endswith(']'); continue
        if i > 1 and len(line) > MAX: out.append(f'{path.relative_to(root)}:{i} ({len(line)})')
    return out

def test_long_lines_are_found(tmp_path):
    p = tmp_path/'probe.py'
    p.write_text('"""' + 'd' * 200 + '"""\n__all__ = [' + "'a', " * 40 + '\n' + "  'b', " * 30 + ']\n'
                 + 'x = "é' + 'é' * 100 + '"\n' + 'y = ' + '1 + ' * 30 + '1\n', encoding='utf-8')
    # the docstring and `__all__` are exempt; characters are counted, not bytes (x's line is 108 characters)
    assert long_lines(p, tmp_path) == ['probe.py:5 (125)']

def test_lines_fit():
    bad = [b for p in sorted((ROOT/'llmft').glob('*.py')) if p.name != '_modidx.py' for b in long_lines(p)]
    assert not bad, f'{len(bad)} lines longer than {MAX} characters (reflow them in the notebook):\n' + '\n'.join(bad)

def _mixed_import_cells(nb_path:Path) -> list[str]:
    "Code cells of a module notebook that import and also do something else, outside its hidden set-up cells."
    import ast, json
    cells = json.loads(nb_path.read_text(encoding='utf-8'))['cells']
    if not any(''.join(c['source']).startswith('#| export') for c in cells): return []  # no API page: not run
    out = []
    for c in cells:
        s = ''.join(c['source'])
        if c['cell_type'] != 'code' or s.startswith(('#| export', '#| exporti', '#| hide')) or '#| eval: false' in s:
            continue
        try: tree = ast.parse('\n'.join(l for l in s.splitlines() if not l.startswith(('#|', '!', '%'))))
        except SyntaxError: continue
        nodes = list(ast.walk(tree))
        if any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in nodes) and \
           any(isinstance(n, (ast.Expr, ast.Assign)) for n in nodes):
            out.append(f"{nb_path.relative_to(ROOT)} cell {c.get('id')}")
    return out

def test_imports_sit_in_setup_cells():
    "The docs build runs every cell that imports (to render the API), without the cells before it: a test cell that"
    " also imports would run there alone and fail. Imports go in the notebook's `#| hide` set-up cell."
    bad = [b for p in sorted((ROOT/'nbs').glob('*.ipynb')) for b in _mixed_import_cells(p)]
    assert not bad, 'cells that import and run code (move the imports to the #| hide cell): ' + ', '.join(bad)

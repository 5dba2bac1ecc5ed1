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

"""The house rules a newcomer can check: modules stay readable, every app
keeps its own files, and test modules never import each other
(docs/architecture.md, "Import rules", "Layout" and "Test support")."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "economy", "games", "casino_club")
MAX_LINES = 450


def application_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "migrations" in parts or "tests" in parts:
                continue
            yield path


def test_no_application_module_is_over_450_lines():
    too_long = {
        str(path.relative_to(ROOT)): count
        for path in application_modules()
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}, f"split these modules (over {MAX_LINES} lines): {too_long}"


def test_the_rule_sees_every_app():
    # A rule that reads no files would pass forever.
    modules = list(application_modules())
    assert len(modules) > 100
    assert {path.relative_to(ROOT).parts[0] for path in modules} == set(APPS)


def python_files():
    for top in (*APPS, "tests", "benchmarks"):
        yield from sorted((ROOT / top).rglob("*.py"))
    yield from sorted(ROOT.glob("*.py"))


def imported_modules(path: Path, *, root: Path = ROOT) -> set[str]:
    """Every module ``path`` imports, absolute names (relative ones resolved)."""
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            names.add(base)
            # ``from pkg import test_x`` imports the module pkg.test_x
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def test_no_module_imports_a_test_module():
    # Test modules share code through tests/support, never through each
    # other (nor through a conftest): importing one runs its tests' setup
    # twice and ties files that should move or vanish alone.
    offenders = {
        str(path.relative_to(ROOT)): sorted(found)
        for path in python_files()
        if (
            found := {
                name
                for name in imported_modules(path)
                if name.rsplit(".", 1)[-1].startswith("test_")
                or name.rsplit(".", 1)[-1] == "conftest"
            }
        )
    }
    assert offenders == {}, f"import tests/support helpers instead: {offenders}"


def test_the_import_rule_sees_imports_of_test_modules(tmp_path):
    # A rule that matched nothing would pass forever.
    (tmp_path / "pkg").mkdir()
    module = tmp_path / "pkg" / "test_b.py"
    module.write_text(
        "from pkg.test_a import x\nfrom . import test_c\nfrom .conftest import y\nimport os\n",
        encoding="utf-8",
    )
    names = imported_modules(module, root=tmp_path)
    assert {"pkg.test_a", "pkg.test_c", "pkg.conftest", "os"} <= names


INLINE_STYLE = re.compile(r"""\sstyle\s*=\s*["']""", re.IGNORECASE)


def template_files() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("templates/**/*.html")
        if ".venv" not in path.parts and "node_modules" not in path.parts
    )


def test_no_template_has_an_inline_style_attribute():
    # The CSP (style-src without 'unsafe-inline') blocks them in the browser:
    # use a class, <progress>/<meter>, or an SVG presentation attribute.
    assert template_files(), "no templates found"
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in template_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if INLINE_STYLE.search(line)
    ]
    assert offenders == []


def test_the_inline_style_rule_sees_one():
    assert INLINE_STYLE.search('<span style="width: 5%">')
    assert not INLINE_STYLE.search('<span class="bar" data-style="x">')


def static_sources(*suffixes: str) -> list[Path]:
    """The front end's own files (every app's static/ folder), vendored code aside."""
    return sorted(
        path
        for path in ROOT.rglob("static/**/*")
        if path.suffix in suffixes
        and not {".venv", "node_modules", "vendor", "staticfiles"} & set(path.parts)
    )


# What a script may not do under the CSP: write a style attribute (setting
# el.style.prop from a script file is allowed; the attribute is not).
SCRIPT_STYLE_ATTRIBUTE = re.compile(
    r"""setAttribute\(\s*["']style["']|\.style\.cssText\s*=|\sstyle\s*=\s*\\?["']"""
)


def test_no_script_or_python_string_writes_a_style_attribute():
    sources = static_sources(".js", ".mjs") + list(application_modules())
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sources
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SCRIPT_STYLE_ATTRIBUTE.search(line)
    ]
    assert offenders == []


def test_the_script_style_rule_sees_one():
    assert SCRIPT_STYLE_ATTRIBUTE.search('node.setAttribute("style", "width: 5%")')
    assert SCRIPT_STYLE_ATTRIBUTE.search('box.innerHTML = `<b style="color: red">`;')
    assert SCRIPT_STYLE_ATTRIBUTE.search("format_html('<span style=\"x\">')")
    assert not SCRIPT_STYLE_ATTRIBUTE.search("box.style.left = `${x}px`;")


# Icons are inline SVG (or the sprite, static/img/icons.svg), never emoji or
# font glyphs: without an emoji font they draw as empty boxes. These are the
# pictographic blocks (arrows, symbols, dingbats, emoji); punctuation such as
# the dash, the ellipsis or the minus sign, and Korean text, stay allowed.
PICTOGRAPHIC = re.compile(
    "[\u2190-\u21ff\u2300-\u23ff\u2460-\u27bf\u2900-\u2bff\U0001f000-\U0001faff\ufe0f]"
)


def test_no_template_script_or_stylesheet_draws_an_emoji_or_glyph_icon():
    sources = template_files() + static_sources(".js", ".mjs", ".css", ".svg")
    assert len(sources) > 20
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {found}"
        for path in sources
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if (found := "".join(PICTOGRAPHIC.findall(line)))
    ]
    assert offenders == []


def rendered_strings(path: Path) -> list[tuple[int, str]]:
    """A module's string literals, docstrings aside (an arrow there is prose)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        if id(node) not in docstrings
    ]


def test_no_python_string_renders_an_emoji_or_glyph_icon():
    # Strings Python puts on pages (labels, seeded shop previews, notifications).
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {found}"
        for path in application_modules()
        for number, text in rendered_strings(path)
        if (found := "".join(PICTOGRAPHIC.findall(text)))
    ]
    assert offenders == []


def test_the_glyph_rule_sees_one_and_spares_text():
    for icon in ("🔔", "⭐", "♠", "☰", "✓", "🪙", "🖼️"):
        assert PICTOGRAPHIC.search(icon), icon
    assert not PICTOGRAPHIC.search("한국어 — 1–18 … −5 ’ “x”")

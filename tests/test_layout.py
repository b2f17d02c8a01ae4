"""README's « Layout » section matches the tree: every module of labo_dash/ is named under its folder's entry,
and the tree names no file that is gone (issue 16: the next engineer finds each module from the README)."""

from __future__ import annotations

import ast
import re
from collections import defaultdict

from tests.conftest import ROOT

CONTINUATION = 20  # a line indented this much continues the description of the entry above it


def layout_block() -> list[str]:
    """Return the lines of the README's Layout tree (the fenced block after « ## Layout »)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text[text.index("## Layout"):].split("```")[1].strip("\n").splitlines()


def folder_texts(lines: list[str]) -> dict[str, str]:
    """Return, per folder of the tree ("labo_dash/ui/"), the text of its entries: its own line and
    description, and the lines of the files directly in it (not those of its sub-folders)."""
    texts: dict[str, list[str]] = defaultdict(list)
    stack: list[tuple[int, str]] = []  # (indent, folder) of the open folders
    owner = ""
    for line in lines:
        indent = len(line) - len(line.lstrip(" "))
        if indent >= CONTINUATION or not line.strip():
            texts[owner].append(line)
            continue
        name = line.split()[0].rstrip(",")
        while stack and stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1] if stack else ""
        if name.endswith("/"):
            owner = parent + name
            stack.append((indent, owner))
        else:
            owner = parent
        texts[owner].append(line)
    return {folder: "\n".join(lines) for folder, lines in texts.items()}


def test_every_module_is_named_under_its_folder_in_the_readme_layout() -> None:
    texts = folder_texts(layout_block())
    missing = []
    for module in sorted((ROOT / "labo_dash").rglob("*.py")):
        if module.name == "__init__.py" or "__pycache__" in module.parts:
            continue
        folder = module.parent.relative_to(ROOT).as_posix() + "/"
        if not re.search(rf"(?<![\w/]){re.escape(module.name)}\b", texts.get(folder, "")):
            missing.append(module.relative_to(ROOT).as_posix())
    assert not missing, f"modules not named in README's Layout: {missing}"


def test_the_layout_names_no_file_that_is_gone() -> None:
    named = re.findall(r"(?<![\w/.])(\w+\.(?:py|css|js|json))\b", "\n".join(layout_block()))
    gone = [name for name in named if not any(ROOT.glob(f"**/{name}"))]
    assert not gone, f"README's Layout names files that do not exist: {gone}"


MODULE_LINES = 400  # issue 16: no module over 400 lines,
FUNCTION_LINES = 60  # no function over 60 lines, outside tests


def test_no_module_over_400_lines_and_no_function_over_60_outside_tests() -> None:
    sources = [*ROOT.glob("labo_dash/**/*.py"), *ROOT.glob("pages/*.py"), *ROOT.glob("bench/*.py"),
               ROOT / "app.py", ROOT / "serve.py"]
    too_long = []
    for source in sources:
        text = source.read_text(encoding="utf-8")
        name = source.relative_to(ROOT).as_posix()
        if len(text.splitlines()) > MODULE_LINES:
            too_long.append(f"{name}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            lines = node.end_lineno - node.lineno + 1
            if lines > FUNCTION_LINES:
                too_long.append(f"{name}:{node.lineno} {node.name}(): {lines} lines")
    assert len(sources) > 100 and not too_long, too_long


def test_no_date_input_is_bounded():
    """A date outside a widget's bounds is dropped by Streamlit's browser code (it keeps its previous value,
    with an English tooltip): date inputs have no ``min_value``/``max_value``, the domain refuses a wrong
    date in French and the typed date stays (the point in the future, the past next review)."""
    bounded = []
    for path in sorted([*(ROOT / "labo_dash" / "ui").rglob("*.py"), *(ROOT / "pages").glob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "date_input"
                    and {k.arg for k in node.keywords} & {"min_value", "max_value"}):
                bounded.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not bounded

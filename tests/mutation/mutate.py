"""A small mutation tester for the rule modules: `make mutation` (or `python -m tests.mutation.mutate`).

Each mutant is one change to one module's syntax tree: a comparison or boolean operator flipped, a
`not` dropped, a constant changed, an element taken out of a literal table (the sanitiser's allow-list,
a parser's marker list), a return value replaced by None, or a call statement removed. The mutated
module is written into a scratch copy of the tree and the tests that cover that module run against it;
a mutant the tests do not kill is a rule no test pins. Module-level tables are mutated too, which is why
this is hand-written rather than mutmut (whose trampolines skip them).

Equivalent mutants (no behaviour can tell them apart) are listed with the reason in equivalent.txt
and left out of the score. The run is slow (a pytest process per mutant), so it is outside CI.

    python -m tests.mutation.mutate                    # every target, score per module
    python -m tests.mutation.mutate articles/sanitize.py --jobs 2 --show-survivors
"""

from __future__ import annotations

import argparse
import ast
import copy
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
TIMEOUT = 120  # seconds for one mutant's tests; a mutant that loops is killed by the timeout

FLIP_COMPARE = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
FLIP_BINOP = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.FloorDiv, ast.FloorDiv: ast.Mult}
SKIPPED_CALLS = {"logger", "log", "warnings", "print"}  # logging is not behaviour the tests pin


@dataclass(frozen=True)
class Mutant:
    module: str  # path relative to the root
    index: int  # the n-th mutation point in the module, in tree order
    line: int
    description: str
    occurrence: int = 1  # the n-th mutant of the module with this description

    @property
    def key(self) -> str:
        """Stable across edits elsewhere in the module (no line number): equivalent.txt lists these."""
        suffix = f" #{self.occurrence}" if self.occurrence > 1 else ""
        return f"{self.module}: {self.description}{suffix}"

    @property
    def where(self) -> str:
        return f"{self.key}  (line {self.line})"


class _Points(ast.NodeVisitor):
    """Walks the tree and yields (node, description, apply) for every mutation point."""

    def __init__(self) -> None:
        self.points: list[tuple[int, str]] = []
        self._in_annotation = 0

    def _add(self, node: ast.AST, what: str) -> None:
        self.points.append((getattr(node, "lineno", 0), what))

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)

    def visit_arg(self, node: ast.arg) -> None:  # annotations are not behaviour
        return

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        for default in node.args.defaults + [d for d in node.args.kw_defaults if d is not None]:
            self.visit(default)
        for stmt in node.body:
            self.visit(stmt)

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_Expr(self, node: ast.Expr) -> None:
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return  # a docstring
        if isinstance(node.value, ast.Call) and not _is_logging(node.value):
            self._add(node, "call removed")
        self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        for op in node.ops:
            if type(op) in FLIP_COMPARE:
                self._add(node, f"{type(op).__name__} -> {FLIP_COMPARE[type(op)].__name__}")
        self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        self._add(node, "and -> or" if isinstance(node.op, ast.And) else "or -> and")
        self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if isinstance(node.op, ast.Not):
            self._add(node, "not removed")
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        if type(node.op) in FLIP_BINOP:
            self._add(node, f"{type(node.op).__name__} -> {FLIP_BINOP[type(node.op)].__name__}")
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, bool):
            self._add(node, f"{value} -> {not value}")
        elif isinstance(value, int):
            self._add(node, f"{value} -> {value + 1}")
        elif isinstance(value, str) and value:
            self._add(node, f"{value[:30]!r} -> 'XX'")

    def _collection(self, node: ast.Set | ast.List | ast.Tuple) -> None:
        if len(node.elts) < 2:
            self.generic_visit(node)
            return
        for element in node.elts:
            self._add(element, f"element {ast.unparse(element)[:30]} removed")
        for element in node.elts:  # a constant element's removal stands for its change too
            if not isinstance(element, ast.Constant):
                self.visit(element)

    visit_Set = visit_List = visit_Tuple = _collection  # type: ignore[assignment]

    def visit_Dict(self, node: ast.Dict) -> None:
        if len(node.keys) < 2:
            self.generic_visit(node)
            return
        for key in node.keys:
            if key is not None:
                self._add(key, f"entry {ast.unparse(key)[:30]} removed")
        for key, value in zip(node.keys, node.values, strict=True):
            if key is not None and not isinstance(key, ast.Constant):
                self.visit(key)
            self.visit(value)

    def visit_Return(self, node: ast.Return) -> None:
        if node.value is not None and not (isinstance(node.value, ast.Constant) and node.value.value is None):
            self._add(node, "return None")
        self.generic_visit(node)


def _is_logging(call: ast.Call) -> bool:
    func = call.func
    while isinstance(func, ast.Attribute):
        func = func.value
    return isinstance(func, ast.Name) and func.id in SKIPPED_CALLS


class _Apply(_Points):
    """The same walk, changing the tree at one mutation point (counted in the same order)."""

    def __init__(self, target: int) -> None:
        super().__init__()
        self.target = target

    def _add(self, node: ast.AST, what: str) -> None:
        index = len(self.points)
        super()._add(node, what)
        if index == self.target:
            self._change(node, what)

    def _change(self, node: ast.AST, what: str) -> None:
        if isinstance(node, ast.Expr):
            node.value = ast.Constant(value=None)
        elif isinstance(node, ast.Compare):
            old = what.split(" -> ")[0]
            for i, op in enumerate(node.ops):
                if type(op).__name__ == old:
                    node.ops[i] = FLIP_COMPARE[type(op)]()
                    break
        elif isinstance(node, ast.BoolOp):
            node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        elif isinstance(node, ast.UnaryOp):
            # "not x" becomes "+bool(x)", printed below as "bool(x)": the value without its "not".
            node.op = ast.UAdd()
            node.operand = ast.Call(
                func=ast.Name(id="bool", ctx=ast.Load()), args=[node.operand], keywords=[]
            )
        elif isinstance(node, ast.BinOp):
            node.op = FLIP_BINOP[type(node.op)]()
        elif isinstance(node, ast.Constant) and what.startswith(("True", "False")):
            node.value = not node.value
        elif isinstance(node, ast.Constant) and isinstance(node.value, int):
            node.value += 1
        elif isinstance(node, ast.Constant):
            node.value = "XX"
        elif isinstance(node, ast.Return):
            node.value = None
        else:
            node._removed = True  # type: ignore[attr-defined]  # an element or a dict key: dropped below


def _drop_removed(tree: ast.AST) -> None:
    for node in ast.walk(tree):
        if isinstance(node, ast.Set | ast.List | ast.Tuple):
            node.elts = [e for e in node.elts if not getattr(e, "_removed", False)]
        elif isinstance(node, ast.Dict):
            pairs = [
                (k, v)
                for k, v in zip(node.keys, node.values, strict=True)
                if not getattr(k, "_removed", False)
            ]
            node.keys = [k for k, _ in pairs]
            node.values = [v for _, v in pairs]


def mutants_of(module: str) -> list[Mutant]:
    tree = ast.parse((ROOT / module).read_text())
    walker = _Points()
    walker.visit(tree)
    seen: dict[str, int] = {}
    mutants = []
    for i, (line, what) in enumerate(walker.points):
        seen[what] = seen.get(what, 0) + 1
        mutants.append(Mutant(module, i, line, what, seen[what]))
    return mutants


def mutated_source(mutant: Mutant) -> str:
    tree = ast.parse((ROOT / mutant.module).read_text())
    tree = copy.deepcopy(tree)
    _Apply(mutant.index).visit(tree)
    _drop_removed(tree)
    source = ast.unparse(ast.fix_missing_locations(tree))
    return source.replace("+bool(", "bool(")


def _scratch(workdir: Path) -> Path:
    copy_dir = workdir / "tree"
    ignore = shutil.ignore_patterns(
        ".venv", ".git", "var", "__pycache__", "*.pyc", "node_modules", ".coverage*"
    )
    shutil.copytree(ROOT, copy_dir, ignore=ignore, symlinks=True)
    return copy_dir


def _run_tests(tree: Path, tests: list[str], database: str) -> bool:
    """True when the tests fail (the mutant is killed)."""
    env = dict(os.environ, DATABASE_URL=database, PYTHONDONTWRITEBYTECODE="1", PYTHONPATH=str(tree))
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-x",
        "-q",
        "-p",
        "no:cacheprovider",
        "--no-cov",
        "--reuse-db",
        *tests,
    ]
    try:
        result = subprocess.run(command, cwd=tree, env=env, capture_output=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return True
    return result.returncode != 0


def _equivalent() -> set[str]:
    path = HERE / "equivalent.txt"
    if not path.exists():
        return set()
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return {line for line in lines if line}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "modules", nargs="*", help="modules to mutate (default: every target in targets.toml)"
    )
    parser.add_argument("--jobs", type=int, default=max(1, (os.cpu_count() or 2)))
    parser.add_argument("--show-survivors", action="store_true")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    args = parser.parse_args(argv)

    targets = tomllib.loads((HERE / "targets.toml").read_text())["targets"]
    modules = args.modules or list(targets)
    unknown = [m for m in modules if m not in targets]
    if unknown:
        parser.error(f"no tests listed for {', '.join(unknown)} in targets.toml")
    equivalent = _equivalent()
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres").rsplit("/", 1)[0]

    all_mutants = [m for module in modules for m in mutants_of(module)]
    if args.list:
        for m in all_mutants:
            print(f"{m.where}{'   (equivalent)' if m.key in equivalent else ''}")
        return 0

    results: dict[Mutant, bool] = {}
    with tempfile.TemporaryDirectory(prefix="mutation-") as tmp:
        slots = []
        for job in range(args.jobs):
            tree = _scratch(Path(tmp) / str(job))
            slots.append((tree, f"{base}/mutation{job}"))
        for tree, database in slots:  # the test database once per slot, so --reuse-db finds it
            _run_tests(tree, ["--create-db", targets[modules[0]][0]], database)

        def run(slot: int, mutant: Mutant) -> tuple[Mutant, bool]:
            tree, database = slots[slot]
            target = tree / mutant.module
            target.write_text(mutated_source(mutant))
            try:
                return mutant, _run_tests(tree, targets[mutant.module], database)
            finally:
                shutil.copyfile(ROOT / mutant.module, target)

        todo = [m for m in all_mutants if m.key not in equivalent]
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            batches = [todo[i :: args.jobs] for i in range(args.jobs)]

            def run_batch(slot: int) -> list[tuple[Mutant, bool]]:
                done = []
                for mutant in batches[slot]:
                    done.append(run(slot, mutant))
                    print("." if done[-1][1] else "S", end="", flush=True)
                return done

            for batch in pool.map(run_batch, range(args.jobs)):
                results.update(batch)
    print()

    total_killed = total = 0
    for module in modules:
        mine = [(m, k) for m, k in results.items() if m.module == module]
        killed = sum(k for _, k in mine)
        skipped = sum(1 for m in all_mutants if m.module == module and m.key in equivalent)
        total_killed += killed
        total += len(mine)
        score = 100 * killed / len(mine) if mine else 100.0
        print(f"{module:40} {killed:4}/{len(mine):<4} killed  {score:5.1f}%  ({skipped} equivalent left out)")
        if args.show_survivors:
            for m, k in sorted(mine, key=lambda mk: mk[0].index):
                if not k:
                    print(f"    survived  {m.where}")
    overall = 100 * total_killed / total if total else 100.0
    print(f"{'all':40} {total_killed:4}/{total:<4} killed  {overall:5.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())

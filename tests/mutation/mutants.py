"""Mutants of a Python module, made from its syntax tree; one is installed in place of the module.

A mutant is the n-th mutation point of a walk over the tree (the walk is the same every time), so
it is named by its index and described by its line and what it changes. What is mutated:

- comparisons: the boundary (`<` ↔ `<=`, `>` ↔ `>=`) and the negation (`<` → `>=`, `==` → `!=`,
  `in` → `not in`, `is` → `is not`);
- arithmetic and bitwise operators (`+` ↔ `-`, `*` → `/`, `//` → `*`, `%` → `//`, `|` ↔ `&`),
  `and` ↔ `or`, a `not` or a unary minus removed;
- numbers ± 1 (module constants and dataclass defaults too), `True` ↔ `False`, strings changed;
- `return x` → `return None`, a `raise` removed, a call statement removed, the condition of an
  `if`, a `while`, a conditional expression or a comprehension's filter negated.

Not mutated: imports, annotations, decorators, docstrings, f-strings and the message of a raised
exception (wording, not behaviour; the `field=` it names is mutated).
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from types import CodeType, ModuleType

_COMPARE: dict[type[ast.cmpop], tuple[type[ast.cmpop], ...]] = {
    ast.Lt: (ast.LtE, ast.GtE),
    ast.LtE: (ast.Lt, ast.Gt),
    ast.Gt: (ast.GtE, ast.LtE),
    ast.GtE: (ast.Gt, ast.Lt),
    ast.Eq: (ast.NotEq,),
    ast.NotEq: (ast.Eq,),
    ast.In: (ast.NotIn,),
    ast.NotIn: (ast.In,),
    ast.Is: (ast.IsNot,),
    ast.IsNot: (ast.Is,),
}
_BINARY: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Mult,
    ast.Mod: ast.FloorDiv,
    ast.Pow: ast.Mult,
    ast.BitOr: ast.BitAnd,
    ast.BitAnd: ast.BitOr,
    ast.BitXor: ast.BitOr,
    ast.LShift: ast.RShift,
    ast.RShift: ast.LShift,
}
_SYMBOL: dict[type[ast.AST], str] = {
    ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
    ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not",
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
    ast.Pow: "**", ast.BitOr: "|", ast.BitAnd: "&", ast.BitXor: "^", ast.LShift: "<<",
    ast.RShift: ">>", ast.And: "and", ast.Or: "or",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Mutant:
    path: str  # of the module, relative to the project's root: `core/paging.py`
    index: int  # the mutation point, in walk order
    line: int
    code: str  # the source line, stripped: what an equivalence note is matched on
    mutation: str  # "`<` → `<=`"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}  {self.mutation}  in `{self.code}`"


class _Mutator(ast.NodeTransformer):
    """Walks the tree counting mutation points; applies the one numbered `target`, if any."""

    def __init__(self, target: int | None, only: frozenset[str] | None) -> None:
        self.target = target
        self.only = only
        self.points: list[tuple[int, str]] = []
        self.applied = False

    def _point(self, node: ast.AST, mutation: str) -> bool:
        self.points.append((getattr(node, "lineno", 0), mutation))
        hit = len(self.points) - 1 == self.target
        self.applied = self.applied or hit
        return hit

    # What is walked, and what is not.

    def visit_Module(self, node: ast.Module) -> ast.AST:
        node.body = [self.visit(s) if self._selected(s) else s for s in node.body]
        return node

    def _selected(self, statement: ast.stmt) -> bool:
        if self.only is None:
            return True
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            return statement.name in self.only
        targets: list[ast.expr] = []
        if isinstance(statement, ast.Assign):
            targets = statement.targets
        elif isinstance(statement, ast.AnnAssign):
            targets = [statement.target]
        return any(isinstance(t, ast.Name) and t.id in self.only for t in targets)

    def visit_Import(self, node: ast.Import) -> ast.AST:
        return node

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST:
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        return self._function(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> ast.AST:
        return self._function(node)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.AST:
        # Decorators and annotations are not walked; default values are.
        node.args.defaults = [self.visit(d) for d in node.args.defaults]
        node.args.kw_defaults = [
            None if d is None else self.visit(d) for d in node.args.kw_defaults
        ]
        node.body = [self.visit(s) for s in node.body]
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        node.body = [self.visit(s) for s in node.body]
        return node

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST:
        if node.value is not None:
            node.value = self.visit(node.value)
        return node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        return node

    # Statements.

    def visit_Expr(self, node: ast.Expr) -> ast.AST:
        if isinstance(node.value, ast.Constant):  # a docstring
            return node
        call = node.value.value if isinstance(node.value, ast.Await) else node.value
        if isinstance(call, ast.Call) and self._point(node, "call removed"):
            return ast.copy_location(ast.Pass(), node)
        return self.generic_visit(node)

    def visit_Raise(self, node: ast.Raise) -> ast.AST:
        if self._point(node, "`raise` removed"):
            return ast.copy_location(ast.Pass(), node)
        if isinstance(node.exc, ast.Call):
            call = node.exc  # its message is not mutated; its other arguments are
            call.args = call.args[:1] + [self.visit(a) for a in call.args[1:]]
            call.keywords = [self.visit(k) for k in call.keywords]
        elif node.exc is not None:
            node.exc = self.visit(node.exc)
        return node

    def visit_Return(self, node: ast.Return) -> ast.AST:
        value = node.value
        trivial = value is None or (
            isinstance(value, ast.Constant)
            and (value.value is None or isinstance(value.value, bool))
        )
        if not trivial and self._point(node, "`return …` → `return None`"):
            node.value = ast.copy_location(ast.Constant(None), node)
            return node
        return self.generic_visit(node)

    def visit_If(self, node: ast.If) -> ast.AST:
        node.test = self._negated(node.test, "`if` condition negated")
        return self.generic_visit(node)

    def visit_While(self, node: ast.While) -> ast.AST:
        node.test = self._negated(node.test, "`while` condition negated")
        return self.generic_visit(node)

    def visit_IfExp(self, node: ast.IfExp) -> ast.AST:
        node.test = self._negated(node.test, "conditional expression negated")
        return self.generic_visit(node)

    def visit_comprehension(self, node: ast.comprehension) -> ast.AST:
        node.ifs = [self._negated(test, "comprehension filter negated") for test in node.ifs]
        return self.generic_visit(node)

    def _negated(self, test: ast.expr, mutation: str) -> ast.expr:
        # `not x` and a single comparison have their own mutants that say the same.
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            return test
        if isinstance(test, ast.Compare) and len(test.ops) == 1:
            return test
        if self._point(test, mutation):
            return ast.copy_location(ast.UnaryOp(ast.Not(), test), test)
        return test

    # Expressions.

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        for i, op in enumerate(node.ops):
            for other in _COMPARE[type(op)]:
                if self._point(node, f"`{_SYMBOL[type(op)]}` → `{_SYMBOL[other]}`"):
                    node.ops[i] = other()
                    return node
        return self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        other = _BINARY.get(type(node.op))
        if other and self._point(node, f"`{_SYMBOL[type(node.op)]}` → `{_SYMBOL[other]}`"):
            node.op = other()
            return node
        return self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        other = _BINARY.get(type(node.op))
        if other and self._point(node, f"`{_SYMBOL[type(node.op)]}=` → `{_SYMBOL[other]}=`"):
            node.op = other()
            return node
        return self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        other = ast.Or if isinstance(node.op, ast.And) else ast.And
        if self._point(node, f"`{_SYMBOL[type(node.op)]}` → `{_SYMBOL[other]}`"):
            node.op = other()
            return node
        return self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        if isinstance(node.op, ast.Not) and self._point(node, "`not` removed"):
            return node.operand
        if isinstance(node.op, ast.USub) and self._point(node, "unary `-` removed"):
            return node.operand
        return self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        value = node.value
        changes: list[tuple[object, str]] = []
        if isinstance(value, bool):
            changes = [(not value, f"`{value}` → `{not value}`")]
        elif isinstance(value, int | float):
            changes = [(value + 1, f"`{value!r}` → `{value + 1!r}`")]
            changes.append((value - 1, f"`{value!r}` → `{value - 1!r}`"))
        elif isinstance(value, str):
            changes = [(f"XX{value}XX", f"`{_short(value)}` → `'XX…XX'`")]
        for changed, mutation in changes:
            if self._point(node, mutation):
                return ast.copy_location(ast.Constant(changed), node)
        return node


def _short(value: str) -> str:
    text = repr(value)
    return text if len(text) <= 24 else text[:20] + "…" + text[-1]


def _walk(source: str, path: str, target: int | None, only: Iterable[str] | None) -> _Mutator:
    tree = ast.parse(source, path)
    mutator = _Mutator(target, None if only is None else frozenset(only))
    mutator.visit(tree)
    mutator.tree = tree  # type: ignore[attr-defined]
    return mutator


def mutants_of(source: str, path: str, only: Iterable[str] | None = None) -> list[Mutant]:
    """Every mutant of the module, in walk order."""
    lines = source.splitlines()
    return [
        Mutant(path, index, line, lines[line - 1].strip() if line else "", mutation)
        for index, (line, mutation) in enumerate(_walk(source, path, None, only).points)
    ]


def mutated_code(source: str, path: str, index: int, only: Iterable[str] | None = None) -> CodeType:
    """The module's code with mutant `index` applied, compiled under the module's own file name."""
    mutator = _walk(source, path, index, only)
    if not mutator.applied:
        raise LookupError(f"{path} has no mutant {index}")
    tree = ast.fix_missing_locations(mutator.tree)  # type: ignore[attr-defined]
    return compile(tree, path, "exec")


def install(module_name: str, code: CodeType) -> None:
    """Import `module_name` from `code` instead of its file: every later import gets the mutant."""
    parent, _, child = module_name.rpartition(".")
    if parent:
        importlib.import_module(parent)
    spec = importlib.util.find_spec(module_name)
    if spec is None:
        raise ModuleNotFoundError(module_name)
    original = sys.modules.get(module_name)  # a package's __init__ may have imported it already
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    exec(code, module.__dict__)
    if parent:
        setattr(sys.modules[parent], child, module)
    if original is not None:
        _rebind_copies(original, module)


def _rebind_copies(original: ModuleType, mutant: ModuleType) -> None:
    """Names other modules of core imported from the original (`from core.fans.records import
    NewFan`, a feature's re-exports) now name the mutant's objects, as a fresh import would."""
    replaced = {
        id(value): mutant.__dict__[name]
        for name, value in vars(original).items()
        if name in mutant.__dict__ and not name.startswith("__")
    }
    for other in list(sys.modules.values()):
        if other is None or other is mutant or not other.__name__.startswith("core"):
            continue
        for name, value in list(vars(other).items()):
            if id(value) in replaced and getattr(original, name, None) is value:
                setattr(other, name, replaced[id(value)])

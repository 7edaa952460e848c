"""Mutation testing of the equations: one-token changes that a reader could make by mistake.

Each mutant changes one thing in one side of one equation, the way a typo on
the page would: a flipped sign, a swapped index (``y_i`` for ``j``), a changed
constant, a dropped term, a reversed inequality. A mutant is *caught* when
the equation's checks fail on it. Since the page prints the equation from
these trees, a mutant of the tree is exactly a mutant of what is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
import random
import time

import sympy as sp
from sympy.core.relational import Relational

from derivations.equations.checks import check_equation, record_links
from derivations.equations.kernel import is_zero
from derivations.equations.notation import SumOver, latex
from derivations.equations.prover import prove_equation, prove_link
from derivations.equations.symbols import i, j, k, l, p, y

__all__ = ["Mutant", "MutationReport", "mutants", "run_mutation"]

# the index a careless hand swaps in for another
SWAP = {j: y[i], y[i]: j, k: p, p: k, l: j, i: j, sp.Integer(1): sp.Integer(2), sp.Integer(2): sp.Integer(1)}
FLIP = {sp.StrictGreaterThan: sp.StrictLessThan, sp.StrictLessThan: sp.StrictGreaterThan,
        sp.GreaterThan: sp.LessThan, sp.LessThan: sp.GreaterThan, sp.Eq: sp.Ne, sp.Ne: sp.Eq}


@dataclass
class Mutant:
    equation: str
    side: int
    operator: str
    description: str
    tree: object
    caught: bool = False
    reason: str = ""
    by_checks: bool = False  # the numeric checks fail on it
    by_proofs: bool = False  # the prover does not prove it (None: nothing of it is proved, as a one-line definition)
    equivalent: str = ""  # a survivor the prover shows equal to the original side: no mistake at all (how it was proved)


@dataclass
class MutationReport:
    mutants: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def real(self):
        """The mutants that change what the equation says (those proved equal to the original are left out)."""
        return [m for m in self.mutants if not m.equivalent]

    @property
    def caught(self):
        return sum(m.caught for m in self.real)

    @property
    def kill_rate(self):
        return self.caught / len(self.real) if self.real else 0.0

    def rate(self, attribute):
        return sum(bool(getattr(m, attribute)) for m in self.real) / len(self.real) if self.real else 0.0

    def _proof_rate(self):
        provable = [m for m in self.real if m.by_proofs is not None]
        return sum(bool(m.by_proofs) for m in provable) / len(provable) if provable else 0.0

    def summary(self):
        by_op = {}
        for m in self.mutants:
            total, caught = by_op.get(m.operator, (0, 0))
            by_op[m.operator] = (total + 1, caught + m.caught)
        equivalent = [m for m in self.mutants if m.equivalent]
        lines = [f"{len(self.mutants)} mutants of {len({m.equation for m in self.mutants})} equations, "
                 f"{len(equivalent)} of them proved equal to the original (no mistake), "
                 f"{self.caught} of the other {len(self.real)} caught: kill rate {self.kill_rate:.1%} "
                 f"in {self.seconds:.1f}s",
                 f"  caught by the numeric checks alone: {self.rate('by_checks'):.1%}; "
                 f"by the proofs alone: {self.rate('by_proofs'):.1%} of all mutants, "
                 f"{self._proof_rate():.1%} of the mutants of identities and gradients"]
        lines += [f"  {op:18} {c}/{t}" for op, (t, c) in sorted(by_op.items())]
        if equivalent:
            lines.append("proved equal to the original side (equivalent mutants, not counted):")
            lines += [f"  {m.equation} side {m.side + 1}, {m.operator}: {m.description} ({m.equivalent})"
                      for m in equivalent]
        survivors = [m for m in self.real if not m.caught]
        if survivors:
            lines.append("survivors:")
            lines += [f"  {m.equation} side {m.side + 1}, {m.operator}: {m.description}" for m in survivors]
        return "\n".join(lines)


def _rebuild(node, args):
    if isinstance(node, sp.Indexed):
        return sp.Indexed(args[0], *args[1:])
    with sp.evaluate(False):
        try:
            return node.func(*args, evaluate=False)
        except TypeError:
            return node.func(*args)


def _positions(expr, path=()):
    yield path, expr
    if isinstance(expr, (sp.Indexed,)) or not isinstance(expr, sp.Basic):
        if isinstance(expr, sp.Indexed):
            for n, index in enumerate(expr.indices, 1):
                yield path + (n,), index
        return
    for n, arg in enumerate(expr.args):
        yield from _positions(arg, path + (n,))


def _replace(expr, path, new):
    if not path:
        return new
    args = list(expr.args)
    args[path[0]] = _replace(args[path[0]], path[1:], new)
    return _rebuild(expr, args)


def _negate(term):
    if isinstance(term, sp.Mul) and term.args and term.args[0] == -1:
        rest = term.args[1:]
        return rest[0] if len(rest) == 1 else sp.Mul(*rest, evaluate=False)
    return sp.Mul(sp.Integer(-1), term, evaluate=False)


def _in_index(expr, path):
    """True when the node at ``path`` is an index (of an Indexed, or a sum's index or bounds)."""
    node = expr
    for step in path:
        if isinstance(node, sp.Indexed) and step >= 1:
            return True
        if isinstance(node, SumOver) and step >= 1:
            return True
        node = node.args[step] if not isinstance(node, sp.Indexed) else (node.indices[step - 1] if step else node.base)
    return False


def side_mutants(tree):
    """(operator, mutated tree) for every one-token change of ``tree``."""
    out = []
    for path, node in list(_positions(tree)):
        if isinstance(node, sp.Add):
            for n, term in enumerate(node.args):
                args = list(node.args)
                args[n] = _negate(term)
                out.append(("flip sign", _replace(tree, path, _rebuild(node, args))))
                rest = node.args[:n] + node.args[n + 1:]
                dropped = rest[0] if len(rest) == 1 else _rebuild(node, rest)
                out.append(("drop term", _replace(tree, path, dropped)))
        if isinstance(node, Relational) and type(node) in FLIP:
            out.append(("reverse relation", _replace(tree, path, FLIP[type(node)](*node.args, evaluate=False))))
        if path and node in SWAP and _in_index(tree, path):
            out.append(("swap index", _replace(tree, path, SWAP[node])))
        elif isinstance(node, sp.Number) and node != -1 and not _in_index(tree, path):
            out.append(("change constant", _replace(tree, path, node + 1)))
    if not isinstance(tree, sp.Add):
        out.append(("flip sign", _negate(tree)))
    return out


def mutants(catalog):
    """Every mutant of every side of every equation of ``catalog``."""
    out = []
    for eq in catalog:
        for n, side in enumerate(eq.sides):
            for operator, tree in side_mutants(side):
                try:
                    text = latex(tree)
                except Exception:  # noqa: BLE001 - an unprintable mutant is still a mutant
                    text = str(tree)
                if text == latex(side):
                    continue  # printed the same: not a change a reader could make
                out.append(Mutant(eq.id, n, operator, text, tree))
    return out


def check_mutant(mutant, catalog, proofs=True):
    """Run the numeric checks and (``proofs``) the prover on the mutated equation; set ``mutant.caught``."""
    eq = catalog[mutant.equation]
    sides = list(eq.sides)
    sides[mutant.side] = mutant.tree
    mutated = replace(eq, sides=sides)
    mutated_catalog = catalog.replacing(mutated)
    try:
        record = check_equation(mutated, mutated_catalog, prove=False)
        mutant.by_checks = record.result != "pass"
        mutant.reason = record.message.splitlines()[0] if record.message else ""
    except Exception as exc:  # noqa: BLE001 - the build would stop on it: caught
        mutant.by_checks, mutant.reason = True, f"the check raised {type(exc).__name__}: {exc}"
    links = [n for n in record_links(eq) if n in (mutant.side - 1, mutant.side)]
    if not links or eq.prove is not True or not proofs:
        mutant.by_proofs = None
    else:
        failed = [p for p in prove_equation(mutated, mutated_catalog, links=links) if not p.proved]
        mutant.by_proofs = bool(failed)
        if failed and not mutant.reason:
            mutant.reason = failed[0].text
    mutant.caught = bool(mutant.by_checks or mutant.by_proofs)
    if not mutant.caught and proofs:
        mutant.equivalent = _equivalent(eq, mutant, catalog)
    return mutant


def _equivalent(eq, mutant, catalog):
    """How the prover shows the mutated side equal to the original one ('' if it does not): then nothing is wrong.

    Two sides that are numbers (a worked example's arithmetic: max(0, 0 - 1 + 1) dropped from a sum) are compared
    by the kernel directly: there is no size or value to prove them at."""
    original = eq.sides[mutant.side]
    if not (original.free_symbols or mutant.tree.free_symbols or original.atoms(sp.Function) or
            mutant.tree.atoms(sp.Function) - mutant.tree.atoms(sp.Max, sp.Min, sp.Abs)):
        difference = sp.sympify(original - mutant.tree).doit()
        return "the same number" if is_zero(difference) else ""
    if eq.kind == "inequality":  # a typo that leaves a true, weaker inequality says nothing false: proved so
        sides = list(eq.sides)
        sides[mutant.side] = mutant.tree
        weaker = replace(eq, id=f"{eq.id}-mutant", prove=True, sides=sides)
        proofs = prove_equation(weaker, catalog.replacing(weaker))
        return "a true inequality still: " + proofs[0].text if proofs and all(p.proved for p in proofs) else ""
    same = replace(eq, id=f"{eq.id}-mutant", kind="identity", prove=True, sides=[eq.sides[mutant.side], mutant.tree])
    proof = prove_link(same, 0, catalog.replacing(same))
    return proof.text if proof.proved else ""


def run_mutation(catalog, sample=None, seed=0, progress=False, proofs=True):
    """Check every mutant (or a random ``sample`` of them) and report how many were caught, and by what."""
    start = time.perf_counter()
    todo = mutants(catalog)
    if sample is not None and sample < len(todo):
        todo = random.Random(seed).sample(todo, sample)
    for n, mutant in enumerate(todo, 1):
        check_mutant(mutant, catalog, proofs)
        if progress and not mutant.caught:
            print(f"[{n}/{len(todo)}] survived: {mutant.equation} side {mutant.side + 1} {mutant.operator}: {mutant.description}", flush=True)
    return MutationReport(todo, time.perf_counter() - start)

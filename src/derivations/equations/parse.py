r"""Read the LaTeX the pages show back into the notation, so that what is shown can be compared with what was checked.

The printer (:func:`derivations.equations.notation.latex`) writes a small subset
of LaTeX: sums (``\sum_{k=1}^{C}``, ``\sum_{j \neq y_{i}}``), fractions,
indicators ``\mathbf{1}(\dots)``, ``\max``, ``\log``, ``e^{\dots}``, ``|\dots|``,
subscripts and transposes, ``\nabla`` and ``\partial``, named functions, two-case
braces and ``aligned`` chains. :func:`parse_equation` reads exactly that back
(and the spellings a person types for it: ``\mathbb{1}``, ``\exp``, ``\cdot``,
``x_i`` without braces, ``\ge``), with the symbols of a :class:`SymbolTable`.
A reader's line may also hold what the printer never writes: ``\sqrt``,
``\lfloor``/``\lceil``, ``\tanh``, ``\log_2``, ``\mathrm{e}``, ``w^T_j``,
``\lvert``, the Unicode a keyboard types (σ, u², −, ≤), and ``cases`` without
"otherwise" (no value where no case holds).

A sum's body is the rest of its term, as the printer writes it: ``\sum_{k} a_k
b`` is the sum of ``a_k b``, and a body that is itself a sum of terms is in
parentheses. ``\log`` takes the one factor after it. :func:`same` says whether
two trees are the same expression once fractions, grouping and the order of
commutative terms are set aside.
"""

from __future__ import annotations

from dataclasses import dataclass
import re

import sympy as sp

from derivations.equations.notation import (
    FUNCTION_LATEX, FUNCTION_PARAMETERS, Cdot, Diag, Dot, Frac, Frobenius, Grad, Hessian, Identity, Ind, Inverse, Jacobian, Norm,
    Partial, SumOver, Transpose, ZeroVector, flatten,
    function_head, latex,
)

__all__ = ["ParseError", "SymbolTable", "parse_equation", "parse_expression", "parse_condition", "same", "canonical"]


class ParseError(ValueError):
    """The LaTeX is not in the notation: ``position`` and ``token`` say where, the message what was expected."""

    def __init__(self, message, position=None, token=None):
        super().__init__(message)
        self.position, self.token = position, token


# what a keyboard or a copied formula types, as the LaTeX it stands for: Greek letters, signs, a superscript's digits
UNICODE = {"\u2212": "-", "\u2013": "-", "\u00b7": r"\cdot", "\u22c5": r"\cdot", "\u00d7": r"\times",
           "\u2264": r"\leq", "\u2265": r"\geq", "\u2a7d": r"\leq", "\u2a7e": r"\geq", "\u2260": r"\neq",
           "\u2225": r"\|", "\u2016": r"\|", "\u2207": r"\nabla", "\u2202": r"\partial", "\u2211": r"\sum",
           "\u220f": r"\prod", "\u221a": r"\sqrt", "\u230a": r"\lfloor", "\u230b": r"\rfloor", "\u2308": r"\lceil",
           "\u2309": r"\rceil"}
GREEK_LETTERS = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda",
                 "mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega")
UNICODE.update({chr(0x3b1 + n): "\\" + name for n, name in enumerate(GREEK_LETTERS[:17])})  # α..ρ
UNICODE.update({chr(0x3c3 + n): "\\" + name for n, name in enumerate(GREEK_LETTERS[17:])})  # σ..ω
UNICODE.update({"\u03c2": r"\sigma", "\u03f5": r"\epsilon", "\u03d5": r"\phi", "\u03d1": r"\theta",
                "\u03a3": r"\sum"})  # ς, ϵ, ϕ, ϑ; Σ typed for a sum
SUPERSCRIPTS = {"\u2070": "0", "\u00b9": "1", "\u00b2": "2", "\u00b3": "3", "\u2074": "4", "\u2075": "5",
                "\u2076": "6", "\u2077": "7", "\u2078": "8", "\u2079": "9", "\u207b": "-", "\u207a": "+",
                "\u1d40": "T", "\u1d57": "T"}  # u², x⁻¹, wᵀ: a superscript typed as characters
TOKEN = re.compile(r"""
    (?P<command>\\[a-zA-Z]+|\\[,;:!\ {}|\\])
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<letter>[a-zA-Z])
  | (?P<symbol>[{}()\[\]_^+\-=<>,&|'*/])
  | (?P<unicode>[%s])
  | (?P<superscript>[%s]+)
  | (?P<space>[\s\u200b\u200c\u200d\u2060\ufeff]+)
""" % ("".join(UNICODE), "".join(SUPERSCRIPTS)), re.VERBOSE)
SPACING = {r"\,", r"\;", r"\:", r"\!", r"\ ", r"\quad", r"\qquad", r"\left.", r"\right.", r"\displaystyle",
           r"\limits", r"\nolimits"}
PRODUCT = (r"\cdot", r"\times", "*")
BARS = ("|", r"\|", r"\Vert", r"\rVert", r"\rvert")  # what closes an absolute value or a norm
# \lvert u \rvert is |u| and \lVert v \rVert is \|v\| (read as the bars are)
BAR_COMMANDS = {r"\lvert": "|", r"\rvert": "|", r"\vert": "|", r"\lVert": r"\|", r"\rVert": r"\|", r"\Vert": r"\|"}
RELATIONS = {"=": sp.Eq, "<": sp.StrictLessThan, ">": sp.StrictGreaterThan, r"\neq": sp.Ne, r"\ne": sp.Ne,
             r"\leq": sp.LessThan, r"\le": sp.LessThan, r"\geq": sp.GreaterThan, r"\ge": sp.GreaterThan,
             r"\lt": sp.StrictLessThan, r"\gt": sp.StrictGreaterThan}
GREEK = {r"\lambda": "lam", r"\tau": "tau", r"\alpha": "alpha", r"\beta": "beta", r"\delta": "delta",
         r"\mu": "mu", r"\theta": "theta", r"\eta": "eta", r"\gamma": "gamma", r"\epsilon": "epsilon"}


def tokenize(tex):
    out, pos = [], 0
    while pos < len(tex):
        match = TOKEN.match(tex, pos)
        if match is None:
            raise ParseError(f"cannot read “{tex[pos:pos + 12]}” at character {pos + 1}", pos, tex[pos])
        kind = match.lastgroup
        text = UNICODE.get(match.group(kind), match.group(kind))
        text = BAR_COMMANDS.get(text, text)
        if kind == "superscript":  # u² is u^{2}, x⁻¹ is x^{-1}
            digits = [SUPERSCRIPTS[c] for c in text]
            out += [(t, pos) for t in ["^", "{"] + digits + ["}"]]
        elif kind != "space" and text not in SPACING:
            out.append((text, pos))
        pos = match.end()
    return out


@dataclass
class SymbolTable:
    """The names a formula may use, by their printed LaTeX: symbols, indexed families and named functions."""

    symbols: dict
    families: dict
    functions: dict
    nodes: dict = None  # notation nodes printed as a bare name: the identity matrix I
    ranges: dict = None  # index name -> (lo, hi): what a sum without limits (\sum_j) runs over; None if ambiguous

    @classmethod
    def of(cls, *exprs):
        """The table of every symbol, indexed family and named function that appears in ``exprs``."""
        symbols, families, functions, nodes, ranges = {}, {}, {}, {}, {}
        for expr in exprs:
            for node in sp.preorder_traversal(expr):
                if isinstance(node, SumOver):
                    _, index, lo, hi, _ = node.args
                    ranges[index.name] = (lo, hi) if ranges.get(index.name, (lo, hi)) == (lo, hi) else None
                if isinstance(node, Identity):
                    nodes["I"] = node
                elif isinstance(node, ZeroVector):
                    nodes["0"] = node
                elif isinstance(node, sp.IndexedBase):
                    families[node.label.name] = node
                elif isinstance(node, sp.Symbol):
                    symbols.setdefault(node.name, node)
                elif isinstance(node, sp.core.function.AppliedUndef):
                    functions[type(node).__name__] = type(node)
        return cls(symbols, families, functions, nodes, ranges)

    def merged(self, other):
        return SymbolTable({**other.symbols, **self.symbols}, {**other.families, **self.families},
                           {**other.functions, **self.functions}, {**(other.nodes or {}), **(self.nodes or {})},
                           {**(other.ranges or {}), **(self.ranges or {})})

    def symbol(self, name):
        if name in self.symbols:
            return self.symbols[name]
        if name in ("i", "j", "k", "l", "p", "m", "n", "C", "N", "D"):
            return sp.Symbol(name, integer=True, positive=True)
        return sp.Symbol(name, real=True)

    def family(self, name):
        return self.families.get(name) or sp.IndexedBase(name)


def _name_of(tex):
    """The notation's name of a printed name: \\mathbf{w} is w, \\lambda is lam."""
    bold = re.fullmatch(r"\\mathbf\{(.+)\}", tex)
    if bold:
        return bold.group(1)
    return GREEK.get(tex, tex.lstrip("\\"))


def _unbraced(tokens):
    """``_{i}`` as ``_i``: a one-token subscript without its braces, as people type it."""
    out, n = [], 0
    while n < len(tokens):
        if tokens[n][0] == "_" and n + 3 < len(tokens) and tokens[n + 1][0] == "{" and tokens[n + 3][0] == "}":
            out += [tokens[n], tokens[n + 2]]
            n += 4
        else:
            out.append(tokens[n])
            n += 1
    return out


def _quoted(token):
    return "the end" if token is None else f"“{token}”"


class _Parser:
    reader = False  # a reader's line: a step refuses >= (a page's chain may have it), a case is the first that holds
    bars = 0  # absolute values and norms open around the current token: a bar closes one
    bare_end = -1  # the token after a name read bare (w of w^T_j), where a subscript after its superscript may follow

    def __init__(self, tex, table):
        self.tex, self.table = tex, table
        self.tokens = tokenize(tex)
        self.pos = 0
        # named functions by their printed LaTeX, longest first (L_{i} before L)
        self.named = sorted(((tokenize(FUNCTION_LATEX[name][0]), name, FUNCTION_LATEX[name][1])
                             for name in table.functions if name in FUNCTION_LATEX), key=lambda t: -len(t[0]))
        # a function that hides its arguments shows them when they are not its parameters: its head, then (...)
        self.named = sorted(self.named + [(tokenize(function_head(FUNCTION_LATEX[name][0])), name, True)
                                          for name in table.functions if name in FUNCTION_LATEX
                                          and not FUNCTION_LATEX[name][1]], key=lambda t: (-len(t[0]), not t[2]))
        # and as people type them: L_i for L_{i}, f_{y_i} for f_{y_{i}}
        self.named += [(_unbraced(tokens), name, show) for tokens, name, show in self.named
                       if len(_unbraced(tokens)) != len(tokens)]
        self.named.sort(key=lambda t: (-len(t[0]), not t[2]))

    # -- tokens ------------------------------------------------------------------------------------
    def peek(self, offset=0):
        n = self.pos + offset
        return self.tokens[n][0] if n < len(self.tokens) else None

    def take(self, expected=None):
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            where = self.tokens[self.pos][1] if self.pos < len(self.tokens) else len(self.tex)
            raise ParseError(f"expected “{expected}”, found {_quoted(token)} at character {where + 1}" if expected else
                             "unexpected end of the formula", where, token)
        self.pos += 1
        return token

    def error(self, message):
        where = self.tokens[self.pos][1] if self.pos < len(self.tokens) else len(self.tex)
        raise ParseError(f"{message} at character {where + 1}", where, self.peek())

    def piece(self, at, width=24):
        """The text from token ``at`` on, as the reader typed it (cut at ``width`` characters)."""
        start = self.tokens[at][1] if at < len(self.tokens) else len(self.tex)
        text = self.tex[start:start + width]
        return text + ("…" if start + width < len(self.tex) else "")

    def unclosed(self, at, closing):
        opening = self.tokens[at][0]
        self.pos = at
        self.error(f"the “{opening}” of “{self.piece(at)}” is never closed: a “{closing}” is missing")

    def group(self):
        """The tokens of ``{...}`` (or of one token) as a sub-parser's text."""
        if self.peek() == "{":
            opened = self.pos
            self.take("{")
            start, depth = self.pos, 1
            while depth:
                if self.peek() is None:
                    self.unclosed(opened, "}")
                token = self.take()
                depth += {"{": 1, "}": -1}.get(token, 0)
            return self.tokens[start:self.pos - 1]
        if self.peek() is None:
            self.error("a formula ends where a group {...} was expected")
        token = self.tokens[self.pos]
        if re.fullmatch(r"\d\d+", token[0]):  # \frac12 is 1/2 and x^12 is x^1 2: one digit without braces
            self.tokens[self.pos] = (token[0][1:], token[1] + 1)
            return [(token[0][0], token[1])]
        self.take()
        return [token]

    def sub(self, tokens):
        parser = _Parser.__new__(_Parser)
        parser.tex, parser.table, parser.named = self.tex, self.table, self.named
        parser.tokens, parser.pos = list(tokens), 0
        parser.reader = self.reader
        return parser

    def done(self):
        token = self.peek()
        if token in ("}", ")", "]", r"\}"):
            opening = {"}": "{", ")": "(", "]": "[", r"\}": r"\{"}[token]
            self.error(f"unexpected “{token}”: it closes no “{opening}”")
        if token is not None:
            self.error(f"unexpected {_quoted(token)}")

    def word(self, offset=0):
        """The letters of the group ``{...}`` at ``offset`` (``aligned`` of \\begin{aligned}), and its length in tokens."""
        if self.peek(offset) != "{":
            return None, 0
        n = offset + 1
        letters = []
        while self.peek(n) not in ("}", None):
            letters.append(self.peek(n))
            n += 1
        return "".join(letters), n + 1 - offset

    # -- equations -----------------------------------------------------------------------------------
    def sides(self):
        if self.peek() == r"\begin" and self.word(1)[0] == "aligned":
            return self.aligned()
        sides = [self.expression()]
        while True:
            token = self.peek()
            if token == "=" or (not self.reader and token in (r"\geq", r"\ge")):  # a chain of =, or of >=
                self.take()
                sides.append(self.expression())
            elif token in RELATIONS:
                self.error(f"an inequality is not a step of this equation: “{token}” is not “=”")
            else:
                return sides

    def aligned(self):
        """An aligned chain, as wide (a &= b \\ &= c) or broken (& a \\ & = b \\ & + c): its lines read as one chain."""
        self.take(r"\begin")
        name = "".join(t for t, _ in self.group())
        if name != "aligned":
            self.error(f"a chain of equalities is an aligned environment, not {name}")
        flat, depth = [], 0
        while True:
            token = self.peek()
            if token is None:
                self.error(r"an aligned environment needs its \end{aligned}")
            if token == r"\end" and depth == 0:
                break
            depth += {r"\begin": 1, r"\end": -1}.get(token, 0)
            entry = self.tokens[self.pos]
            self.pos += 1
            if depth == 0 and token in ("&", r"\\"):
                continue  # alignment and line breaks of the chain itself
            flat.append(entry)
        self.take(r"\end")
        self.group()
        sub = self.sub(flat)
        sides = sub.sides()
        sub.done()
        return sides

    # -- expressions ---------------------------------------------------------------------------------
    STOP = {"=", "<", ">", ")", "}", "]", ",", "&", r"\\", r"\right", r"\end", r"\}", r"\rfloor", r"\rceil",
            None} | set(RELATIONS)

    def expression(self):
        terms = []
        sign = 1
        if self.peek() in ("+", "-"):
            sign = -1 if self.take() == "-" else 1
        terms.append(self._signed(sign, self.term()))
        while self.peek() in ("+", "-"):
            sign = -1 if self.take() == "-" else 1
            terms.append(self._signed(sign, self.term()))
        return terms[0] if len(terms) == 1 else sp.Add(*terms, evaluate=False)

    @staticmethod
    def _signed(sign, term):
        return term if sign == 1 else sp.Mul(sp.Integer(-1), term, evaluate=False)

    def stops(self):
        token = self.peek()
        return token in self.STOP or token in ("+", "-") or (self.bars and token in BARS)

    def product_sign(self, factors):
        """After \\cdot, \\times or *: the factor it multiplies by, which may carry a sign (a \\cdot -b is a(-b))."""
        op = self.take()
        if self.peek() in self.STOP or self.peek() in PRODUCT or (self.bars and self.peek() in BARS):
            self.pos -= 1
            self.error(f"“{op}” needs a factor after it")
        if self.peek() in ("+", "-"):
            sign = -1 if self.take() == "-" else 1
            factors.append(self._signed(sign, self.factor()))
        elif op == r"\cdot" and self.reader:
            factors.append(self.factor())
        if op == r"\cdot" and self.reader:  # a reader's w_j \cdot x_i is the dot product of the two vectors
            right = factors.pop()
            factors[-1] = Cdot(factors[-1], right)

    def term(self):
        factors = [self.factor()]
        while not self.stops():
            if self.peek() in PRODUCT:
                self.product_sign(factors)
                continue
            if self.peek() == "/":
                self.take()
                factors[-1] = Frac(factors[-1], self.factor())
                continue
            factors.append(self.factor())
        return factors[0] if len(factors) == 1 else sp.Mul(*factors, evaluate=False)

    def factor(self):
        base = self.primary()
        bare = base if self.bare_end == self.pos and isinstance(base, sp.Symbol) else None
        while self.peek() in ("^", "'") or (bare is not None and self.peek() == "_" and base is not bare):
            if self.peek() == "_":  # w^T_j, x^2_i: LaTeX sets the subscript under the superscript, w_j^T, x_i^2
                base = base.xreplace({bare: self.subscript(bare.name)})
                bare = None
                continue
            if self.take() == "'":
                if not isinstance(base, (sp.Symbol, sp.Indexed, Transpose, sp.Mul)) or base.is_number:
                    # f(z)' is a derivative to a teacher, never the transpose of a number (which changes nothing)
                    self.error("a prime after a function's value or a number reads as a derivative, which the "
                               r"notation writes \frac{d}{dz} f(z) (a prime is a transpose, of a vector or matrix)")
                base = Transpose(base)
                continue
            exponent = self.group()
            if [t for t, _ in exponent] in (["T"], [r"\top"], [r"\intercal"], [r"\mathsf", "{", "T", "}"],
                                            [r"\mathrm", "{", "T", "}"], [r"\mathsf", "T"]):
                base = Transpose(base)
            else:
                power = self.sub(exponent).expression_all()
                base = sp.exp(power) if base is _E else sp.Pow(base, power, evaluate=False)
        if base is _E:
            self.error("e stands alone: write e^{...} for an exponential")
        return base

    def expression_all(self):
        out = self.expression()
        self.done()
        return out

    def primary(self):
        token = self.peek()
        if token is None:
            self.error("a formula ends where a term was expected")
        named = self.named_function()
        if named is not None:
            return named
        if token == "1" and (self.peek(1) in ("_", r"\{") or (self.peek(1) == r"\left" and self.peek(2) == r"\{")):
            self.take()  # 1_{...}, 1\{...\}: an indicator
            return self.indicator_rest()
        if re.fullmatch(r"\d+(\.\d+)?", token):
            self.take()
            return sp.Rational(token) if "." in token else sp.Integer(token)
        if token in (r"\lVert", r"\|", r"\Vert") or (token == r"\left" and self.peek(1) in (r"\lVert", r"\|", r"\Vert")):
            opened = self.pos
            if token == r"\left":
                self.take()
            self.take()
            self.bars += 1
            inner = self.expression()
            self.bars -= 1
            if self.peek() == r"\right":
                self.take()
            if self.peek() not in (r"\rVert", r"\|", r"\Vert"):
                if self.peek() is None:
                    self.unclosed(opened, r"\|")
                self.error(r"a norm closes with \|")
            self.take()
            if self.peek() == "_" and (self.peek(1) == "F" or [self.peek(1), self.peek(2), self.peek(3)] == ["{", "F", "}"]):
                self.take("_")  # \|W\|_F: the Frobenius norm, the page's norm of a matrix (never \|W\|_2, the spectral)
                self.group()
            return Norm(inner)
        if token in (r"\lfloor", r"\lceil") or (token == r"\left" and self.peek(1) in (r"\lfloor", r"\lceil")):
            return self.rounding()
        if token in ("(", "[", r"\left", r"\bigl", r"\Bigl", r"\big", r"\Big"):
            return self.parenthesised()
        if token == "|":
            opened = self.pos
            self.take("|")
            self.bars += 1
            inner = self.expression()
            self.bars -= 1
            if self.peek() is None:
                self.unclosed(opened, "|")
            self.take("|")
            return sp.Abs(inner, evaluate=False)
        if token == "{":
            inner = self.sub(self.group()).expression_all()
            return inner
        if token == r"\frac" or token == r"\dfrac" or token == r"\tfrac":
            return self.fraction()
        if token in (r"\sum", r"\prod"):
            return self.summation()
        if self.is_one():
            return self.indicator()
        if token == r"\delta" and self.peek(1) == "_" and "delta" not in self.table.symbols and \
                "delta" not in self.table.families:
            return self.kronecker()
        if token == r"\partial" and self.peek(1) == "_":  # \partial_v f
            self.take()
            self.take("_")
            variable = self.sub(self.group()).expression_all()
            if isinstance(variable, Transpose):  # \\partial_{w^T} F: a Jacobian
                return Jacobian(self.sum_body(), variable.args[0])
            return Partial(self.sum_body(), variable)
        if token == r"\sgn" or (token in (r"\operatorname", r"\mathrm", r"\text", r"\textrm") and
                                self.word(1)[0] in ("sign", "sgn")):
            self.pos += 1 if token == r"\sgn" else 1 + self.word(1)[1]
            u = self.argument_factor()  # sign(u) = 1(u > 0) - 1(u < 0), exactly, 0 at 0
            return sp.Add(Ind(sp.StrictGreaterThan(u, 0, evaluate=False)),
                          sp.Mul(-1, Ind(sp.StrictLessThan(u, 0, evaluate=False)), evaluate=False), evaluate=False)
        if token == r"\mathbf" and self.peek(1) == "{" and self.peek(2) == "0" and self.peek(3) == "}" and \
                "0" in (self.table.nodes or {}):
            self.pos += 4
            return self.table.nodes["0"]
        if token == r"\max" or token == r"\min":
            self.take()
            args = self.arguments()
            return (sp.Max if token == r"\max" else sp.Min)(*args, evaluate=False)
        if token in (r"\log", r"\ln"):
            self.take()
            if token == r"\log" and self.peek() == "_":
                return self.logarithm_to_base()
            return sp.log(self.argument_factor(), evaluate=False)
        if token == r"\sqrt":
            return self.root()
        elementary = self.elementary_name()
        if elementary:
            return self.elementary(elementary)
        if self.euler():
            return self.euler_number()
        if token == r"\exp":
            self.take()
            return sp.exp(self.argument_factor(), evaluate=False)
        if token == r"\nabla":
            return self.nabla()
        if token in (r"\operatorname", r"\mathrm") and self.word(1)[0] == "diag":
            return self.diagonal()
        if token == r"\begin":
            return self.cases()
        if token == "e" and self.peek(1) == "^":
            self.take()
            return _E
        return self.name()

    ELEMENTARY = {"tanh": sp.tanh, "sinh": sp.sinh, "cosh": sp.cosh}  # (not sin, cos: the kernel's signs of them)

    def elementary_name(self):
        """The name of \\tanh, \\sinh, \\cosh (or \\operatorname{tanh}) at this token, or None."""
        token = self.peek()
        if token is not None and token.startswith("\\") and token[1:] in self.ELEMENTARY:
            return token[1:]
        if token in (r"\operatorname", r"\mathrm") and self.word(1)[0] in self.ELEMENTARY:
            return self.word(1)[0]
        return None

    def elementary(self, name):
        """\\tanh(z), \\tanh z, \\tanh^{2}(z) (the square of tanh z, as sympy prints it)."""
        at = self.pos
        self.pos += 1 if self.peek().startswith("\\") and self.peek()[1:] == name else 1 + self.word(1)[1]
        power = None
        if self.peek() == "^":
            self.take()
            power = self.sub(self.group()).expression_all()
            if power == -1 or (isinstance(power, sp.Mul) and power.args == (-1, 1)):
                self.pos = at
                self.error(f"\\{name}^{{-1}} is the inverse function, which the notation does not have: write "
                           f"(\\{name} x)^{{-1}} for its reciprocal")
        value = self.ELEMENTARY[name](self.argument_factor(), evaluate=False)
        return value if power is None else sp.Pow(value, power, evaluate=False)

    def euler(self):
        """Whether Euler's number e stands here: \\mathrm{e}, \\operatorname{e} (upright, as ISO writes it), or a plain e
        on a page whose notation has no e of its own."""
        token = self.peek()
        if token in (r"\mathrm", r"\operatorname", r"\textrm", r"\text"):
            return self.word(1)[0] == "e" or self.peek(1) == "e"
        return token == "e" and self.peek(1) != "_" and "e" not in self.table.symbols and \
            "e" not in self.table.families

    def euler_number(self):
        """e, or the base _E of e^{...} (an exponential)."""
        self.pos += 1 if self.peek() == "e" else 2 if self.peek(1) == "e" else 1 + self.word(1)[1]
        return _E if self.peek() == "^" else sp.E

    def root(self):
        """\\sqrt{x}, \\sqrt[n]{x}: x^{1/n}, with no real value where x < 0 (the interpreter records the base); an odd root
        is the real one, sign(x) |x|^{1/n} (\\sqrt[3]{-8} = -2, as a teacher reads it)."""
        at = self.pos
        self.take(r"\sqrt")
        n = 2
        if self.peek() == "[":
            self.take("[")
            start = self.pos
            while self.peek() not in ("]", None):
                self.take()
            if self.peek() is None:
                self.unclosed(start - 1, "]")
            degree = self.sub(self.tokens[start:self.pos]).expression_all()
            self.take("]")
            if not (isinstance(degree, sp.Integer) and degree >= 2):
                self.pos = at
                self.error(f"a root \\sqrt[n]{{x}} has a whole number n >= 2, not “{latex(degree)}”")
            n = int(degree)
        if self.opens_brackets():  # √(x + 1), as a keyboard types it
            radicand = self.parenthesised()
        else:
            radicand = self.sub(self.group()).expression_all()
        if n % 2 == 0:
            return sp.Pow(radicand, sp.Rational(1, n), evaluate=False)
        sign = sp.Add(Ind(sp.StrictGreaterThan(radicand, 0, evaluate=False)),
                      sp.Mul(-1, Ind(sp.StrictLessThan(radicand, 0, evaluate=False)), evaluate=False), evaluate=False)
        return sp.Mul(sign, sp.Pow(sp.Abs(radicand, evaluate=False), sp.Rational(1, n), evaluate=False),
                      evaluate=False)

    def rounding(self):
        """\\lfloor x \\rfloor, \\lceil x \\rceil (or with \\left and \\right): floor and ceiling."""
        opened = self.pos
        if self.peek() == r"\left":
            self.take()
        kind = self.take()
        close = r"\rfloor" if kind == r"\lfloor" else r"\rceil"
        inner = self.expression()
        if self.peek() in (r"\right", r"\bigr", r"\Bigr"):
            self.take()
        if self.peek() is None:
            self.unclosed(opened, close)
        if self.peek() != close:
            self.error(f"expected “{close}” to close “{self.piece(opened)}”, found {_quoted(self.peek())}")
        self.take()
        return (sp.floor if kind == r"\lfloor" else sp.ceiling)(inner, evaluate=False)

    def logarithm_to_base(self):
        """\\log_2 x, \\log_{10} x: the log to that base, log x / log b."""
        at = self.pos - 1
        self.take("_")
        base = self.sub(self.group()).expression_all()
        if base == 1 or (base.is_number and base.is_positive is False):
            self.pos = at
            self.error(f"a logarithm to base {latex(base)} has no value: a base is positive and not 1 "
                       r"(\log_{10} x with braces, \log_2 x)")
        return Frac(sp.log(self.argument_factor(), evaluate=False), sp.log(base, evaluate=False))

    ONES = {r"\mathbf": ("1",), r"\boldsymbol": ("1",), r"\bm": ("1",), r"\mathbb": ("1", "I"),
            r"\mathds": ("1",), r"\mathbbm": ("1",)}

    def is_one(self):
        """The number of tokens of an indicator's head (\\mathbb{1}, \\mathbb 1, \\mathbb{I}), or 0."""
        ones = self.ONES.get(self.peek(), ())
        if self.peek(1) == "{" and self.peek(2) in ones and self.peek(3) == "}":
            return 4
        if self.peek(1) in ones:
            return 2
        return 0

    def indicator(self):
        self.pos += self.is_one()
        return self.indicator_rest()

    def indicator_rest(self):
        """What follows an indicator's head: the condition as a subscript, or in (), [], \\{\\}."""
        if self.peek() == "_":  # 1_{A}, 1_{\{A\}}: the condition as a subscript
            self.take("_")
            sub = self.sub(self.group())
            if sub.peek() in ("(", "[", r"\{", r"\left", r"\bigl", r"\Bigl", r"\big", r"\Big"):
                try:
                    opened = sub.opener()
                    cond = sub.condition()
                    sub.closer(opened)
                    sub.done()
                    return Ind(cond)
                except ParseError:
                    sub.pos = 0
            return Ind(sub.condition_all())
        if self.peek() not in ("(", "[", r"\{", r"\left", r"\bigl", r"\Bigl", r"\big", r"\Big"):
            self.error("an indicator holds its condition in parentheses, brackets or braces, or as a subscript")
        opened = self.opener()
        cond = self.condition()
        self.closer(opened)
        return Ind(cond)

    def kronecker(self):
        """\\delta_{jk}, \\delta_{j,y_i}: the Kronecker delta, as the indicator 1(j = k)."""
        self.take(r"\delta")
        self.take("_")
        sub = self.sub(self.group())
        first = sub.factor()
        if sub.peek() == ",":
            sub.take(",")
        if sub.peek() is None:
            self.error("a Kronecker delta has two indices: \\delta_{jk}")
        second = sub.factor()
        sub.done()
        return Ind(sp.Eq(first, second, evaluate=False))

    def condition_all(self):
        out = self.condition()
        self.done()
        return out

    def condition(self):
        lhs = self.expression()
        token = self.peek()
        if token not in RELATIONS:
            self.error("an indicator holds a relation (>, <, =, \\neq, \\leq, \\geq)")
        self.take()
        rhs = self.expression()
        return RELATIONS[token](lhs, rhs, evaluate=False)

    def opener(self):
        at = self.pos
        if self.peek() in (r"\left", r"\bigl", r"\Bigl", r"\big", r"\Big"):
            self.take()
            return ("left", self.take(), at)
        token = self.take()
        if token not in ("(", "[", "{", r"\{"):
            self.pos -= 1
            self.error("expected an opening parenthesis")
        return ("plain", token, at)

    def closer(self, opened):
        closing = {"(": ")", "[": "]", "{": "}", r"\{": r"\}", "|": "|"}
        kind, token, at = opened
        close = closing.get(token, ")")
        if kind == "left":
            if self.peek() not in (r"\right", r"\bigr", r"\Bigr", r"\big", r"\Big"):
                self.error(f"expected \\right{close} to close “{self.piece(at)}”, found {_quoted(self.peek())}")
            self.take()
        if self.peek() is None:
            self.pos = at
            self.error(f"the “{self.tokens[at][0]}” of “{self.piece(at)}” is never closed: expected “{close}”, "
                       f"found the end")
        if self.peek() != close:
            self.error(f"expected “{close}” to close “{self.piece(at)}”, found {_quoted(self.peek())}")
        self.take()

    def parenthesised(self):
        opened = self.opener()
        if opened[1] == "|":
            inner = self.expression()
            self.closer(opened)
            return sp.Abs(inner, evaluate=False)
        inner = self.expression()
        if opened[1] == "[" and self.peek() in RELATIONS:  # [u > 0]: an Iverson bracket
            token = self.take()
            cond = RELATIONS[token](inner, self.expression(), evaluate=False)
            self.closer(opened)
            return Ind(cond)
        self.closer(opened)
        return inner

    def arguments(self):
        opened = self.opener()
        args = [self.expression()]
        while self.peek() == ",":
            self.take(",")
            args.append(self.expression())
        self.closer(opened)
        return args

    def argument_factor(self):
        """The argument of \\log or \\exp: a parenthesised expression, or the one factor that follows."""
        if self.opens_brackets():
            return self.parenthesised()
        return self.factor()

    def opens_brackets(self):
        """Whether a bracket (, [, |, \\{ opens here, \\left or not (\\left\\lfloor and \\left\\| open no bracket)."""
        return self.peek() == "(" or (self.peek() == r"\left" and self.peek(1) in ("(", "[", "|", r"\{"))

    def fraction(self):
        self.take()
        top, bottom = self.group(), self.group()
        if len(top) == 1 and top[0][0] in (r"\partial", "d") and len(bottom) > 1 and bottom[0][0] == top[0][0]:
            # \frac{\partial}{\partial v} f, \frac{d}{dv} f: the derivative of what follows
            v = self.sub(bottom[1:]).expression_all()
            if isinstance(v, Transpose):  # \frac{\partial}{\partial w^T} F: a Jacobian
                return Jacobian(self.sum_body(), v.args[0])
            return Partial(self.sum_body(), v)  # d/dz z s(z) is the derivative of z s(z), not s(z) times dz/dz
        if top and top[0][0] in (r"\partial", "d") and bottom and bottom[0][0] in (r"\partial", "d") and \
                (top[0][0] == r"\partial" or len(top) > 1):
            f = self.sub(top[1:]).expression_all()
            v = self.sub(bottom[1:]).expression_all()
            if isinstance(v, Transpose):  # \frac{\partial F}{\partial w^T}: the Jacobian of F
                return Jacobian(f, v.args[0])
            return Partial(f, v)
        return Frac(self.sub(top).expression_all(), self.sub(bottom).expression_all())

    def nabla(self):
        """\\nabla_{v} f, a gradient; \\nabla^{2}_{v} f (or \\nabla_{v}^{2} f), a Hessian: of the rest of the term,
        as a sum's body."""
        self.take(r"\nabla")
        order = self.order() if self.peek() == "^" else 1
        self.take("_")
        variable = self.sub(self.group()).expression_all()
        if self.peek() == "^" and order == 1:
            order = self.order()
        try:
            return (Grad if order == 1 else Hessian)(self.sum_body(), variable)
        except TypeError as exc:  # \\nabla_w \\nabla_w L: the notation's own word for what to write
            self.error(str(exc))

    def order(self):
        """The order ^{2} of a second derivative (the only order above 1 the notation has)."""
        self.take("^")
        if [t for t, _ in self.group()] != ["2"]:
            self.error("\\nabla^{2} is the Hessian; the notation has no other power of \\nabla")
        return 2

    def diagonal(self):
        """\\operatorname{diag}(v): the diagonal matrix of a vector."""
        self.pos += 1 + self.word(1)[1]
        return Diag(self.argument_factor())

    def summation(self):
        start = self.pos
        product = self.take() == r"\prod"
        if self.peek() != "_":
            self.error("a sum says what it runs over: \\sum_{k=1}^{C}, or \\sum_j over the page's range of j")
        self.take("_")
        below = self.group()
        above = None
        if self.peek() == "^":
            self.take("^")
            above = self.group()
        tokens = [t for t, _ in below]
        body = self.sum_body()
        if "," in tokens and "=" not in tokens and r"\neq" not in tokens:  # \sum_{k,l} W_{k,l}^2: a Frobenius norm
            if product:
                self.pos = start
                self.error("a double product is not part of the notation: write each \\prod with its limits")
            return self.frobenius(body, below, start)
        sub = self.sub(below)
        index = sub.name()
        if not isinstance(index, sp.Symbol):
            self.pos = start
            self.error(f"a sum runs over an index, not “{latex(index)}”")
        if not index.is_integer:  # \sum_{q=1}^{C}: a sum's own index is a whole number, whatever its letter
            whole = sp.Symbol(index.name, integer=True, positive=True)
            body, index = body.xreplace({index: whole}), whole
        if sub.peek() is None:  # \sum_j: over the range the page gives j
            span = (self.table.ranges or {}).get(index.name)
            if span is None or above is not None:
                self.pos = start
                self.error(f"a sum without limits runs over the page's range of {index.name}, and this page gives "
                           f"{index.name} no single range: write the limits, \\sum_{{{index.name}=1}}^{{C}}")
            return self._over(product, body, index, span[0], span[1], sp.S.NaN)
        if product and sub.peek() in (r"\neq", r"\ne"):
            self.pos = start
            self.error("a product runs from k = lo to hi: \\prod_{k=1}^{C}")
        if sub.peek() in (r"\neq", r"\ne"):
            sub.take()
            excluded = sub.expression()
            sub.done()
            lo, hi = sp.Integer(1), self.table.symbol("C")
            if above is not None:
                self.error("a sum over k \\neq e runs over 1..C: give its limits as k=lo, k \\neq e")
            return SumOver(body, index, lo, hi, excluded)
        sub.take("=")
        lo = sub.expression()
        excluded = sp.S.NaN
        if sub.peek() == ",":
            sub.take(",")
            again = sub.name()
            if again != index:
                self.error("the excluded index must be the sum's own")
            sub.take(r"\neq") if sub.peek() == r"\neq" else sub.take(r"\ne")
            excluded = sub.expression()
        sub.done()
        if above is None:
            self.error("a sum from k = lo needs its upper limit ^{hi}")
        hi = self.sub(above).expression_all()
        return self._over(product, body, index, lo, hi, excluded)

    def _over(self, product, body, index, lo, hi, excluded):
        if not product:
            return SumOver(body, index, lo, hi, excluded)
        if excluded is not sp.S.NaN:
            self.error("a product runs from k = lo to hi: \\prod_{k=1}^{C}")
        return sp.Product(body, (index, lo, hi))

    def frobenius(self, body, below, start):
        # sum_{k,l} A_{k,l}^2 as written by the printer: the squared Frobenius norm of A, its indices the sum's own
        indices = [t for t, _ in below if t != ","]
        if isinstance(body, sp.Pow) and body.exp == 2 and isinstance(body.base, sp.Indexed) and len(indices) == 2 \
                and len(set(indices)) == 2 and all(re.fullmatch(r"[a-zA-Z]", t) for t in indices) \
                and sorted(str(q) for q in body.base.indices) == sorted(indices):
            name = body.base.base.label.name
            return Frobenius(self.table.symbol(name) if name in self.table.symbols else sp.Symbol(name))
        self.pos = start
        self.error("a double sum is read only as the squared Frobenius norm \\sum_{k,l} W_{k,l}^{2}: write each "
                   "sum with its limits")

    def sum_body(self):
        """The rest of the term: a product of factors (a sum of terms would be in parentheses), divided as a term is
        (a_j / b); a sign right after the sum's limits is the body's (\\sum_j -a_j: nothing stands before it)."""
        sign = 1
        if self.peek() in ("+", "-"):
            sign = -1 if self.take() == "-" else 1
        factors = [self.factor()]
        while not self.stops():
            if self.peek() in PRODUCT:
                self.product_sign(factors)
                continue
            if self.peek() == "/":
                self.take()
                factors[-1] = Frac(factors[-1], self.factor())
                continue
            factors.append(self.factor())
        return self._signed(sign, factors[0] if len(factors) == 1 else sp.Mul(*factors, evaluate=False))

    def cases(self):
        self.take(r"\begin")
        name = "".join(t for t, _ in self.group())
        if name != "cases":
            self.error(f"only a cases environment can stand in a formula, not {name}")
        rows = []
        while self.peek() != r"\end":
            if self.peek() is None:
                self.error(r"a cases environment needs its \end{cases}")
            value = self.expression()
            if self.peek() == ",":
                self.take(",")
            self.take("&" if self.peek() == "&" else r"\\")  # value & if ..., or the condition on a line below
            cond = None
            if self.peek() in (r"\text", r"\mbox", r"\textrm", r"\mathrm"):
                self.take()
                words = "".join(t for t, _ in self.group()).strip(" ,")
                if words in ("otherwise", "else", "ifotherwise"):
                    cond = True
                elif words not in ("if", "for", "when", "where"):
                    self.error(r"a case reads \text{if } condition, or \text{otherwise}")
            if cond is None:
                cond = self.condition()
            if self.peek() == ",":
                self.take(",")
            rows.append((value, cond))
            if self.peek() == r"\\":
                self.take()
        self.take(r"\end")
        self.group()
        conditions = [Ind(c) for _, c in rows if c is not True]
        if len(conditions) < len(rows) - 1 or (len(conditions) < len(rows) and rows[-1][1] is not True):
            self.error("only the last case can be “otherwise”")
        if self.reader and rows[-1][1] is not True:
            # no "otherwise": where no case holds the line says nothing, so it has no value there (sympy's Piecewise
            # without a last (value, True) is undefined there); the first case that holds is the one taken
            return sp.Piecewise(*rows, evaluate=False)
        out, above = [], []
        for value, cond in rows:
            if cond is True:  # none of the others holds
                rest = [sp.Add(1, sp.Mul(-1, c, evaluate=False), evaluate=False) for c in conditions]
                out.append(sp.Mul(value, *rest, evaluate=False))
            else:
                out.append(sp.Mul(value, Ind(cond), *(above if self.reader else ()), evaluate=False))
                above.append(sp.Add(1, sp.Mul(-1, Ind(cond), evaluate=False), evaluate=False))
        return sp.Add(*out, evaluate=False)

    def named_function(self):
        for tokens, name, show_args in self.named:
            texts = [t for t, _ in tokens]
            if [self.peek(n) for n in range(len(texts))] == texts:
                # f(s_k) is the function; a bare f, where the function shows its arguments, is not
                after = self.peek(len(texts))
                if show_args and after not in ("(", r"\left"):
                    continue
                if not show_args and after == "_":
                    continue
                self.pos += len(texts)
                function = self.table.functions[name]
                if not show_args:
                    return function(*FUNCTION_PARAMETERS.get(name, ()))
                return function(*self.arguments())
        return None

    def name(self):
        token = self.take()
        if token in (r"\mathbf", r"\boldsymbol", r"\bm", r"\mathrm", r"\operatorname"):
            inner = "".join(t for t, _ in self.group())
            text = inner
        elif token in GREEK:
            text = GREEK[token]
        elif re.fullmatch(r"[a-zA-Z]", token):
            text = token
        else:
            self.pos -= 1
            self.error(f"“{token}” is not part of the notation here")
        if self.peek() == "_":
            return self.subscript(text)
        if text in self.table.families and text not in self.table.symbols:
            self.bare_end = self.pos
            return sp.Symbol(text)
        if text in ("I", "0") and text in (self.table.nodes or {}):
            return self.table.nodes[text]
        self.bare_end = self.pos
        return self.table.symbol(text)

    def subscript(self, text):
        """The entry ``_{...}`` of the family named ``text``."""
        self.take("_")
        sub = self.sub(self.group())
        indices = [sub.expression()]
        while sub.peek() == ",":
            sub.take(",")
            indices.append(sub.expression())
        sub.done()
        return sp.Indexed(self.table.family(text), *indices)


_E = sp.Symbol("_e_base")


def parse_expression(tex, table):
    """One side, as a notation tree (unevaluated, as written)."""
    with sp.evaluate(False):
        parser = _Parser(tex, table)
        out = parser.expression()
        parser.done()
    return flatten(out)


def parse_condition(tex, table):
    """One relation, as a condition is printed under its formula (``j \\neq y_{i}``, ``C = 2``, ``\\delta > 0``)."""
    with sp.evaluate(False):
        parser = _Parser(tex, table)
        out = parser.condition_all()
    return out.func(flatten(out.lhs), flatten(out.rhs), evaluate=False)


def parse_equation(tex, table, reader=False):
    """The sides of a displayed equation (a chain a = b = c, or an aligned chain), without its \\tag.

    ``reader=True`` (a reader's step of an equation) refuses a chain of >=, which the pages' own may be, and reads
    a case of ``cases`` as holding where its condition does and no case above it does (cases that overlap say
    what a teacher reads: the first that holds)."""
    tex = re.sub(r"\\tag\{[^}]*\}", "", tex).strip()
    with sp.evaluate(False):
        parser = _Parser(tex, table)
        parser.reader = reader
        sides = parser.sides()
        parser.done()
    return [flatten(side) for side in sides]


def canonical(expr):
    """``expr`` evaluated as sympy would write it, with the notation's nodes kept: fractions as products."""
    if not isinstance(expr, sp.Basic) or not expr.args or isinstance(expr, (sp.Indexed, sp.IndexedBase)):
        if isinstance(expr, sp.Indexed):
            return sp.Indexed(expr.base.label.name, *[canonical(q) for q in expr.indices])
        if isinstance(expr, sp.Symbol):
            return sp.Symbol(expr.name, integer=True) if expr.is_integer else sp.Symbol(expr.name, real=True)
        return expr
    args = [canonical(a) for a in expr.args]
    if isinstance(expr, Frac):
        return args[0] / args[1]
    if isinstance(expr, Dot):  # w^T x is printed as the product of a transpose and a vector
        return sp.Mul(Transpose(args[0]), args[1])
    if isinstance(expr, Inverse):  # A^{-1} reads as a power
        return sp.Pow(args[0], -1)
    if isinstance(expr, (Norm, Identity, ZeroVector)):
        return type(expr)(*args)
    if isinstance(expr, (SumOver, Ind, Grad, Partial, Transpose, Frobenius, Hessian, Jacobian, Diag)):
        return type(expr)(*args)
    if isinstance(expr, sp.core.function.AppliedUndef):
        return sp.Function(type(expr).__name__)(*args)
    if isinstance(expr, (sp.Max, sp.Min)):  # symmetric: kept as a node, its arguments in a fixed order
        return expr.func(*sorted(args, key=sp.default_sort_key), evaluate=False)
    try:
        return expr.func(*args)
    except (TypeError, ValueError):  # a relation of matrices sympy will not compare: kept as written
        return expr.func(*args, evaluate=False)


def same(a, b):
    """Whether two notation trees are the same expression (up to fractions, grouping and commutative order)."""
    return canonical(a) == canonical(b)


def printed_same(expr, table=None):
    """Whether the LaTeX of ``expr`` reads back as ``expr``."""
    table = table or SymbolTable.of(expr)
    return same(parse_expression(latex(expr), table), expr)

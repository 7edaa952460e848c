"""A hash of the code a value runs, for keying stored proofs on what they depend on.

:func:`fingerprint` of a point space walks its functions (``sample``,
``every``, derived values, the rules of its symbolic-size form): for each
function, its bytecode and constants (not its line numbers, so a comment or a
blank line above it changes nothing), its default arguments, the values its
closure holds, and every function, class or module attribute of the
``derivations`` package that it names, recursively. A helper edited in another
module of the package changes the fingerprint of every space that calls it; an
equation edited in the same module does not change the fingerprint of another
equation's space. Code outside the package (numpy, sympy) counts by its name
and its library's version when it is the library's own (``np.exp``); a library's
wrapper of other code (``np.vectorize(helper)``, ``functools.cache``, a partial,
a bound method, a lambdified expression) counts by the code it wraps.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import sys
import types

import numpy as np
import sympy as sp

__all__ = ["fingerprint", "behaviour"]

PACKAGE = "derivations"


LIBRARIES = {"numpy", "sympy", "scipy", "mpmath", "matplotlib", "sklearn", "torch"} | set(sys.stdlib_module_names)


def _ours(obj):
    """Code whose text is hashed: the package's, and any other Python code that is not a library's (an author's
    helper in another module, a test's space)."""
    module = getattr(obj, "__module__", None) or getattr(obj, "__name__", "")
    if not isinstance(module, str) or not module:
        return False
    return module.split(".")[0] not in LIBRARIES


class _Walker:
    def __init__(self):
        self.digest = hashlib.sha256()
        self.seen = set()

    def put(self, *parts):
        for part in parts:
            self.digest.update(str(part).encode())
            self.digest.update(b"\x00")

    def walk(self, obj):
        if isinstance(obj, (str, int, float, bool, complex, type(None), bytes)):
            self.put(type(obj).__name__, repr(obj))
            return
        if id(obj) in self.seen:
            self.put("seen", type(obj).__name__)
            return
        self.seen.add(id(obj))
        if isinstance(obj, np.ndarray):
            self.put("ndarray", obj.dtype, obj.shape)
            self.put(obj.tobytes() if obj.dtype != object else repr(obj.tolist()))
        elif isinstance(obj, sp.Basic):
            self.put("sympy", sp.srepr(obj))
        elif isinstance(obj, dict):
            self.put("dict", len(obj))
            for key in sorted(obj, key=repr):
                self.walk(key)
                self.walk(obj[key])
        elif isinstance(obj, (list, tuple, set, frozenset)):
            items = sorted(obj, key=repr) if isinstance(obj, (set, frozenset)) else obj
            self.put(type(obj).__name__, len(items))
            for item in items:
                self.walk(item)
        elif isinstance(obj, functools_partial_type()):
            self.put("partial")
            self.walk(obj.func)
            self.walk(obj.args)
            self.walk(obj.keywords)
        elif isinstance(obj, types.MethodType):
            self.put("method")
            self.walk(obj.__func__)
            self.walk(obj.__self__)
        elif isinstance(obj, types.FunctionType):
            self.function(obj)
        elif isinstance(obj, types.ModuleType):
            self.put("module", obj.__name__)
        elif isinstance(obj, type):
            self.put("class", obj.__module__, obj.__qualname__)
            if _ours(obj):
                for name, value in sorted(vars(obj).items()):
                    if isinstance(value, (types.FunctionType, staticmethod, classmethod, property)):
                        self.put(name)
                        self.walk(getattr(value, "__func__", getattr(value, "fget", value)))
        elif dataclasses.is_dataclass(obj):
            self.put("dataclass", type(obj).__qualname__)
            for f in dataclasses.fields(obj):
                self.put(f.name)
                self.walk(getattr(obj, f.name))
        elif callable(obj) and _ours(type(obj)):  # an object with __call__: its class's code and its own state
            self.put("callable object")
            self.walk(type(obj))
            self.walk(getattr(obj, "__dict__", {}))
        elif callable(obj):
            self.put("callable", getattr(obj, "__module__", ""), getattr(obj, "__qualname__", type(obj).__name__))
            self.library(obj)
            self.wrapped(obj)
        else:  # its state, or where it has none to read, all of its repr (an id in it keys it to this process)
            self.put("object", type(obj).__module__, type(obj).__qualname__)
            state = getattr(obj, "__dict__", None)
            if isinstance(state, dict):
                self.walk(state)
            else:
                self.put(repr(obj))

    def library(self, obj):
        root = (getattr(obj, "__module__", None) or "").split(".")[0]
        if root in ("numpy", "sympy"):
            self.put(root, np.__version__ if root == "numpy" else sp.__version__)

    def wrapped(self, obj):
        """What a library's callable object runs, where it is not a library's own named object (``np.exp``: its
        name and version say it): the function it wraps (``__wrapped__`` of functools.cache / lru_cache / wraps,
        ``pyfunc`` and the settings of np.vectorize, ``func``/``args``/``keywords`` of a partial, ``__func__`` and
        ``__self__`` of a bound method, the ``registry`` of a singledispatch function), walked as any function is.
        One whose code cannot be read (np.frompyfunc's ufunc) is keyed to the object itself: a proof of it is never
        reused in another process, rather than reused after its code changed."""
        if _named(obj) and not _ours(obj):
            return
        found = False
        for name in WRAPPED:
            try:
                inner = getattr(obj, name, None)
            except Exception:  # noqa: BLE001 - a property that raises: nothing wrapped there
                inner = None
            if inner is None or isinstance(inner, types.ModuleType):
                continue
            self.put(f"wraps {name}")
            self.walk(dict(inner) if name == "registry" and hasattr(inner, "items") else inner)
            found = found or name in CODE_OF
        if not found:  # kept alive, so that no later object takes its id in this process; the token: in no other
            _OPAQUE.setdefault(id(obj), obj)
            self.put("opaque callable", _PROCESS, id(obj))

    anonymous = False  # the next function's module and name are left out (behaviour(): what it computes only)

    def function(self, fn):
        if self.anonymous:
            self.anonymous = False
            self.put("function")
        else:
            self.put("function", fn.__module__, fn.__qualname__)
        if not _ours(fn):
            self.library(fn)
            if _named(fn):  # a library's own function: its name and its library's version say what it runs
                return
            self.put("made by a library")  # a function a library made at run time (lambdify, a decorator): its code
        for name in ("__wrapped__", "registry"):  # what a decorator wraps (singledispatch's implementations)
            inner = getattr(fn, name, None)
            if inner is not None:
                self.put(f"wraps {name}")
                self.walk(dict(inner) if name == "registry" and hasattr(inner, "items") else inner)
        self.code(fn.__code__, fn.__doc__)
        self.walk(fn.__defaults__)
        self.walk(fn.__kwdefaults__)
        for cell in fn.__closure__ or ():
            try:
                self.walk(cell.cell_contents)
            except ValueError:  # an empty cell
                self.put("empty cell")
        self.globals(fn.__code__, fn.__globals__)

    def code(self, code, doc=None):
        self.put("code", code.co_code.hex(), code.co_names, code.co_varnames, code.co_argcount)
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                self.code(const)
            elif not (doc is not None and const == doc):  # a docstring is prose, not behaviour
                self.walk(const)

    def globals(self, code, namespace):
        """Every name the code (and its nested code) reads from its module, and attributes of modules it names."""
        names = set(code.co_names)
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                names |= set(_all_names(const))
        for name in sorted(names):
            if name not in namespace:
                continue
            value = namespace[name]
            if isinstance(value, types.ModuleType):
                if _ours(value):
                    for attribute in sorted(names):
                        if hasattr(value, attribute) and not isinstance(getattr(value, attribute), types.ModuleType):
                            self.put(f"{value.__name__}.{attribute}")
                            self.walk(getattr(value, attribute))
                continue
            # every value the code reads, whatever its type: a list, a set, a partial or an object read by a
            # helper changes what the checks compute as surely as a function does
            self.put(f"global {name}")
            self.walk(value)


_PROCESS = os.urandom(8).hex()  # keys an opaque callable to this process: its proof is not reused in another
_OPAQUE = {}  # id -> the opaque callables keyed so far (alive: an id is never reused for another object)

# attributes through which a library's callable object reaches the code it runs (and the settings it runs it with)
CODE_OF = ("__wrapped__", "pyfunc", "func", "__func__", "__self__", "registry")
WRAPPED = CODE_OF + ("otypes", "excluded", "signature", "args", "keywords")


def _named(obj):
    """Whether ``obj`` is what its module's attribute of its (qualified) name is: a library's own function or object,
    not one made at run time (a vectorized helper, a cached one, a lambdified expression)."""
    try:
        module = sys.modules.get(getattr(obj, "__module__", None) or "")
        target = module
        for part in (getattr(obj, "__qualname__", None) or getattr(obj, "__name__", "") or "?").split("."):
            target = getattr(target, part, None)
        return module is not None and target is obj
    except Exception:  # noqa: BLE001 - an object whose attributes raise: not a named one
        return False


def _all_names(code):
    out = list(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            out.extend(_all_names(const))
    return out


def functools_partial_type():
    import functools

    return functools.partial


def fingerprint(obj):
    """The hex digest of the code and data ``obj`` runs (see the module's docstring)."""
    walker = _Walker()
    walker.walk(obj)
    return walker.digest.hexdigest()


def behaviour(obj):
    """The hex digest of what ``obj`` computes, not of where it is written: as :func:`fingerprint`, but a function's
    own module and name are left out (two problems that declare one function with the same code agree)."""
    walker = _Walker()
    walker.anonymous = True
    walker.walk(obj)
    return walker.digest.hexdigest()

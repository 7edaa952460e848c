"""The common vocabulary of the pages: symbols any problem may import (or make its own).

Sympy symbols are equal when their names and assumptions are, so a problem
that makes ``sp.symbols("j", integer=True, positive=True)`` itself gets the
same ``j`` as this module's.
"""

import sympy as sp

# indices and sizes (1-based on the pages)
i, j, k, l, p, C, D, N = sp.symbols("i j k l p C D N", integer=True, positive=True)
# scalars
z, c, m, tau, lam, u = sp.symbols("z c m tau lam u", real=True)
# indexed families: scores, targets, labels, weight columns, samples
s, t, y, w, x = (sp.IndexedBase(n) for n in ("s", "t", "y", "w", "x"))
S, G = sp.IndexedBase("S"), sp.IndexedBase("G")
# plain vectors and matrices
wv, xv = sp.symbols("w x")
W, X, Gm = sp.symbols("W X G")

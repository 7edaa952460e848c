"""The symbols and named functions of the pages, shared by both problems."""

import sympy as sp

from derivations.equations.notation import fn

# indices and sizes (1-based on the pages)
i, j, k, l, p, C, D, N = sp.symbols("i j k l p C D N", integer=True, positive=True)
# scalars
z, c, m, tau, lam, u = sp.symbols("z c m tau lam u", real=True)
# indexed families: scores, targets, labels, weight columns, samples, unit vectors
s, t, y, w, x = (sp.IndexedBase(n) for n in ("s", "t", "y", "w", "x"))
S, G = sp.IndexedBase("S"), sp.IndexedBase("G")
# plain vectors and matrices
wv, xv = sp.symbols("w x")
W, X, Gm = sp.symbols("W X G")

# named functions
CE = fn("CE", r"\mathrm{CE}", show_args=False)
BCE = fn("BCE", r"\mathrm{BCE}")
f = fn("f", "f")
sigma = fn("sigma", r"\sigma")
softplus = fn("softplus", r"\operatorname{softplus}")
Li = fn("L_i", "L_{i}", show_args=False)
L = fn("L", "L", show_args=False)

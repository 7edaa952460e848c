"""The content of the site: one module per problem, one problem per page.

Each module makes one :class:`derivations.equations.Problem` and declares its
equations, named functions and test points through it;
:func:`derivations.equations.discover` finds every module here, so adding a
problem touches nothing outside its module, its page and the nav. See the
site's "Adding a derivation" page.
"""

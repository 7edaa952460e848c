"""Keep pytest's doctest collection to the package and the Markdown pages."""

collect_ignore = ["src/derivations/__main__.py", "docs/notebooks", "benchmarks", "site"]

"""The glue between the package and the MkDocs site: build hooks and the equation renderer."""

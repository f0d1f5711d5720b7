"""Bibliography input: text in, entries out; no Sphinx imports."""

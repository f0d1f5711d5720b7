"""The Sphinx side: configuration, warnings, nodes, directives, role, domain, numbering
and the post-transform that renders for every builder.
"""

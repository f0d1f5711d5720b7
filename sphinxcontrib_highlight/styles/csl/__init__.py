"""A CSL 1.0.2 processor: styles from the CSL styles repository, printed as citeproc-js does."""

"""The performance benchmark (see bench/README.md); not part of the product."""

"""Tests of the findings of the outside security test: one module per finding."""

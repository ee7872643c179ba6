"""Performance tooling: the page benchmark (``bench/run.py``) and the query-plan check (``bench/explain.py``).

Not tests: wall-clock times vary on shared machines, so these report medians and ratios instead of
asserting on them.
"""

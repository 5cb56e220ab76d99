"""Benchmarks of the project: tools run by ``make bench`` and by hand, not part of the
``qbank`` package that ``pip install`` ships (setuptools finds packages under ``scripts/``
only).  Run them from the repository root, with the project's virtualenv:

    python -m benchmarks.bench            # import pipeline, site build, page weight, search
    python -m benchmarks.validate_bench   # qbank validate: real bank, synthetic 10k, hostile YAML
    python -m benchmarks.search_bench SITE --page PATH   # search latency, slow-phone profile
"""

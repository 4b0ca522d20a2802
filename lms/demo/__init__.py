"""Seed-only code for `manage.py seed_demo` (and the benchmarks): the demo population, a
year of learning and the demo assessments. Nothing at run time imports it."""

"""Helpers shared by tests: imported by test modules and conftest.py files alike. conftest.py files define
fixtures only; anything a test imports by name lives here."""

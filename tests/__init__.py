"""Test support shared by every app's tests (not a test path: no test modules here)."""

"""Test support shared by every app's tests: factories and the fixed cast of users."""

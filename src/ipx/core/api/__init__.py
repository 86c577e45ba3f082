"""API building blocks every app's api.py uses: error shapes, ids, pages."""

#!/usr/bin/env python
"""Django's manage.py, for those who expect it; `ipx` is the same with friendlier names."""

import sys

from ipx.cli import main

if __name__ == "__main__":
    main(sys.argv)

#!/usr/bin/env python
"""Django's manage.py; the `onestop` console command is the same entry point."""

from onestop.cli import main

if __name__ == "__main__":
    main()

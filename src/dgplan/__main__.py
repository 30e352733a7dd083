"""``python -m dgplan``: the same as the ``dgplan`` command."""

from dgplan.cli import main

if __name__ == "__main__":
    main()

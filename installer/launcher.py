"""The bundle's entry script (PyInstaller needs a file, not a module): run `app.__main__`."""

from app.__main__ import main

if __name__ == "__main__":
    raise SystemExit(main())

"""casekit's version: the bottom of the layers, so that any module can record it.

The package re-exports it as ``casekit.__version__``; modules inside casekit import it from here,
since the package's own ``__init__`` sits at the top (it hands out the public API).
"""

__version__ = "0.3.0"

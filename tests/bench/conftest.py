"""The benchmark scripts live in the checkout's `bench/` folder, not in the installed package: put the checkout on
the path so their tests import them as the scripts do."""
import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

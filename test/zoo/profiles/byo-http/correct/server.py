"""byo-http/correct: the build-your-own-HTTP-server routes, done right (the base, unchanged)."""
import os
import sys

# The shared base lives in ../_lib here, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from byo_base import main  # noqa: E402

if __name__ == '__main__':
    main()

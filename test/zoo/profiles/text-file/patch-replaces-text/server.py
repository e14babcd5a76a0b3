"""text-file/patch-replaces-text: PATCH replaces the content instead of appending the body to it."""
import os
import sys

# The shared base lives in ../_lib here, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from text_base import TextServer, main  # noqa: E402


class Server(TextServer):
    def append(self, old, data):
        # BUG: PATCH was written by copying PUT; the old content is dropped.
        return data


if __name__ == '__main__':
    main(Server)

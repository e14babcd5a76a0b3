"""byo-http/unknown-path-200: answers 200 instead of 404 for a path it does not know."""
import os
import sys

# The shared base lives in ../_lib here, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from byo_base import ByoServer, main  # noqa: E402


class Server(ByoServer):
    def unknown_path(self, req):
        # BUG: the last else of the router says 200 OK, so /nope "exists".
        return 200, {}, b''


if __name__ == '__main__':
    main(Server)

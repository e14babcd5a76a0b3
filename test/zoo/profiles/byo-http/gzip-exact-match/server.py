"""byo-http/gzip-exact-match: compresses only when Accept-Encoding is exactly "gzip", so a list that holds gzip gets plain text."""
import os
import sys

# The shared base lives in ../_lib here, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from byo_base import ByoServer, main  # noqa: E402


class Server(ByoServer):
    def accepts_gzip(self, req):
        # BUG: Accept-Encoding is a comma-separated list; "deflate, gzip" or "unknown-1, gzip, unknown-2"
        # lists gzip too, and is not equal to "gzip".
        return req.header('accept-encoding', '') == 'gzip'


if __name__ == '__main__':
    main(Server)

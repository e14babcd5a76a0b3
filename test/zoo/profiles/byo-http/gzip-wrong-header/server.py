"""byo-http/gzip-wrong-header: looks for gzip in the request's Content-Encoding instead of its Accept-Encoding, so it never compresses."""
import os
import sys

# The shared base lives in ../_lib here, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from byo_base import ByoServer, main  # noqa: E402


class Server(ByoServer):
    def accepts_gzip(self, req):
        # BUG: Content-Encoding says how a message's own body is coded; what the client accepts is in
        # Accept-Encoding. A GET carries no Content-Encoding, so gzip is never chosen.
        return 'gzip' in req.header('content-encoding', '')


if __name__ == '__main__':
    main(Server)

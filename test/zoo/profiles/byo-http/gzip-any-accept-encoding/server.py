"""byo-http/gzip-any-accept-encoding: compresses whenever the request has an Accept-Encoding header, whatever it lists."""
import os
import sys

# The shared base lives in ../_lib here, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from byo_base import ByoServer, main  # noqa: E402


class Server(ByoServer):
    def accepts_gzip(self, req):
        # BUG: the header's presence is taken for "gzip please": "Accept-Encoding: invalid-encoding" gets
        # a gzip body the client said it cannot read.
        return req.header('accept-encoding') is not None


if __name__ == '__main__':
    main(Server)

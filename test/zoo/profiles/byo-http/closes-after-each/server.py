"""byo-http/closes-after-each: answers every request with "Connection: close" and closes, so no connection persists."""
import os
import sys

# The shared base lives in ../_lib here, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from byo_base import ByoServer, main  # noqa: E402


class Server(ByoServer):
    def keep_alive(self, req):
        # BUG: the loop of the first stages, one request per connection, was never taken out: every
        # answer says "Connection: close" (so the RFC is kept) and the connection ends, where the
        # assignment asks connections to persist.
        return False


if __name__ == '__main__':
    main(Server)

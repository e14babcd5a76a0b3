"""key-value/host-route-ignored: only the path is looked at, so a route carried in the Host header gets 404."""
import os
import sys

# The shared base lives in ../_lib here, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from kv_base import KeyValueServer, main  # noqa: E402


class Server(KeyValueServer):
    def route_of(self, req):
        # BUG: `Host: 127.0.0.1/create` with `POST /` is how the course sends requests, but only
        # the path is used, so every such request is "/" and gets 404.
        return req.path


if __name__ == '__main__':
    main(Server)
